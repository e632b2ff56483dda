// Reading records as the signed-in user: searches that say how many match in all and page
// through the rest, single records, and the overdue invoices Tryton itself selects.
import { CrmError, type CrmRecord, type OverdueInvoice, type RecordType, type SearchPage, type SearchQuery } from '../types'
import type { FieldAccess } from './access'
import { MODEL, TYPE_LABEL, baseDomain, dueDateOf, matchesWhere, textDomain, toRecord, whereDomain, type Categories, type Domain, type Row } from './mapping'
import { TrytonRefusal, type TrytonTransport } from './transport'
import { tryton } from './rpc'

export const DEFAULT_LIMIT = 50
export const MAX_LIMIT = 200

export interface ReadContext {
  transport: TrytonTransport
  access: FieldAccess
  cats: Categories
}

export function parseId(id: string): number {
  const n = Number(id)
  if (!/^\d+$/.test(id) || !Number.isSafeInteger(n) || n <= 0) throw new CrmError('not_found', `No record with id "${id}".`)
  return n
}

function clampLimit(limit: number | undefined): number {
  return Math.min(Math.max(1, Math.floor(limit ?? DEFAULT_LIMIT)), MAX_LIMIT)
}

export function toRecords(ctx: ReadContext, type: RecordType, rows: Row[]): CrmRecord[] {
  const hidden = ctx.access.hidden(type)
  return rows.map((r) => toRecord(type, r, ctx.cats, hidden))
}

/**
 * One page in a stable order (by id) and how many match in all. Filters Tryton can search on are
 * in the domain and the count is asked only when the page is full; a filter it cannot search on
 * (an invoice's due date…) is applied to every match here, so the total is still exact.
 */
export async function find(ctx: ReadContext, type: RecordType, query: SearchQuery): Promise<SearchPage> {
  const domain: Domain = [...baseDomain(type, ctx.cats)]
  if (query.text?.trim()) domain.push(...textDomain(type, query.text.trim()))
  let exact = true
  for (const [k, v] of Object.entries(query.where ?? {})) {
    const part = whereDomain(type, k, v, ctx.cats)
    if (part) domain.push(...part)
    else exact = false
  }
  const limit = clampLimit(query.limit)
  const offset = Math.max(0, Math.floor(query.offset ?? 0))
  const page = exact ? { offset, limit, order: [['id', 'ASC']] } : { order: [['id', 'ASC']] }
  const rows = await ctx.access.withFields(type, (fields) => ctx.transport.searchRead(MODEL[type], domain, fields, page))
  const records = toRecords(ctx, type, rows)
  if (!exact) {
    const matching = records.filter((r) => matchesWhere(r, query.where))
    return { records: matching.slice(offset, offset + limit), total: matching.length, offset }
  }
  const total = rows.length < limit && (offset === 0 || rows.length > 0) ? offset + rows.length : await ctx.transport.searchCount(MODEL[type], domain)
  return { records, total, offset }
}

/** null when the record does not exist, is of another type, or a record rule hides it. */
export async function get(ctx: ReadContext, type: RecordType, id: string): Promise<CrmRecord | null> {
  let n: number
  try {
    n = parseId(id)
  } catch {
    return null
  }
  const rows = await ctx.access.withFields(type, (fields) =>
    ctx.transport.searchRead(MODEL[type], [...baseDomain(type, ctx.cats), ['id', '=', n]], fields, { limit: 1 })
  )
  return rows.length > 0 ? toRecords(ctx, type, rows)[0] : null
}

/**
 * One record of the asked type, in one call. When it is not found, a `read` asks Tryton why, so
 * a record rule's refusal reaches the user in Tryton's words. Throws 'permission' or 'not_found'.
 */
export async function readChecked(ctx: ReadContext, type: RecordType, id: string): Promise<{ row: Row; record: CrmRecord }> {
  const n = parseId(id)
  const rows = await ctx.access.withFields(type, (fields) =>
    ctx.transport.searchRead(MODEL[type], [...baseDomain(type, ctx.cats), ['id', '=', n]], fields, { limit: 1 })
  )
  if (rows.length > 0) return { row: rows[0], record: toRecords(ctx, type, rows)[0] }
  // Not in the search: hidden by a record rule (Tryton's refusal), gone, or of another type.
  await ctx.transport.read(MODEL[type], [n], ['id'])
  throw new CrmError('not_found', `${TYPE_LABEL[type]} ${id} does not exist.`)
}

/** Reads several records of one type in one call; ids Tryton does not return are left out. */
export async function readMany(ctx: ReadContext, type: RecordType, ids: number[]): Promise<Map<number, CrmRecord>> {
  if (ids.length === 0) return new Map()
  const rows = await ctx.access.withFields(type, (fields) =>
    ctx.transport.searchRead(MODEL[type], [...baseDomain(type, ctx.cats), ['id', 'in', ids]], fields)
  )
  return new Map(toRecords(ctx, type, rows).map((r) => [Number(r.id), r]))
}

/** Is this error Tryton refusing the user (a record rule, the model access)? */
export function isRefusal(e: unknown): e is TrytonRefusal {
  return e instanceof TrytonRefusal && e.code === 'permission'
}

function isoDate(d: Date): string {
  return d.toISOString().slice(0, 10)
}

function daysBetween(fromIso: string, toIso: string): number {
  return Math.round((Date.parse(`${toIso}T00:00:00Z`) - Date.parse(`${fromIso}T00:00:00Z`)) / 86_400_000)
}

const OVERDUE_FIELDS = ['number', 'party', 'party.rec_name', 'total_amount', 'amount_to_pay', 'currency.code', 'lines_to_pay.maturity_date', 'lines_to_pay.reconciliation']

/**
 * Tryton selects the posted customer invoices with an unreconciled line due before `asOf`; the
 * open amount (a computed field Tryton cannot search on) is checked on that short list.
 */
export async function listOverdueInvoices(ctx: ReadContext, asOf: Date): Promise<OverdueInvoice[]> {
  const day = isoDate(asOf)
  const domain: Domain = [
    ['type', '=', 'out'],
    ['state', '=', 'posted'],
    ['move', 'where', [['lines', 'where', [['maturity_date', '<', tryton.date(day)], ['reconciliation', '=', null]]]]]
  ]
  const rows = await ctx.transport.searchRead('account.invoice', domain, OVERDUE_FIELDS, { order: [['id', 'ASC']] })
  const out: OverdueInvoice[] = []
  for (const row of rows) {
    const due = dueDateOf(row)
    const open = typeof row.amount_to_pay === 'number' ? row.amount_to_pay : 0
    if (!due || due >= day || !(open > 0)) continue
    const party = row['party.'] as Row | undefined
    const currency = row['currency.'] as Row | undefined
    out.push({
      id: String(row.id),
      number: String(row.number ?? ''),
      account: { id: String(row.party ?? ''), name: String(party?.rec_name ?? '') },
      dueDate: due,
      daysOverdue: daysBetween(due, day),
      total: typeof row.total_amount === 'number' ? row.total_amount : 0,
      amountOpen: open,
      currency: String(currency?.code ?? '')
    })
  }
  return out.sort((a, b) => b.daysOverdue - a.daysOverdue || a.number.localeCompare(b.number))
}
