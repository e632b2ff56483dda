// Canonical field values → Tryton write values: a party's name, contact mechanisms, address,
// industry category and employer relation; an opportunity's description, amount, party and date.
import { CrmError, type FieldValue, type RecordType } from '../types'
import type { Categories, Row } from './mapping'
import { tryton } from './rpc'
import type { TrytonTransport } from './transport'

export interface ValueContext {
  transport: TrytonTransport
  cats: Categories
  industryCategory: string
  contactCategory: string
}

function partyId(v: FieldValue, what: string): number {
  const n = Number(v)
  if (!Number.isInteger(n) || n <= 0) throw new CrmError('invalid', `Not ${what} id: ${String(v)}`)
  return n
}

async function industryCategoryId(ctx: ValueContext, name: string): Promise<number> {
  if (ctx.cats.industry === null) throw new CrmError('invalid', `This Tryton database has no "${ctx.industryCategory}" category.`)
  const rows = await ctx.transport.searchRead('party.category', [['name', '=', name], ['parent', '=', ctx.cats.industry]], ['id'], { limit: 1 })
  if (!rows.length) throw new CrmError('invalid', `No industry "${name}" in Tryton (a category under "${ctx.industryCategory}").`)
  return Number(rows[0].id)
}

/** Tryton values for a party (account or contact); `current` is null on create. */
export async function partyValues(ctx: ValueContext, type: RecordType, changes: Record<string, FieldValue>, current: Row | null): Promise<Record<string, unknown>> {
  const values: Record<string, unknown> = {}
  if ('name' in changes) {
    if (!changes.name) throw new CrmError('invalid', 'A name is required.')
    values.name = String(changes.name)
  }
  const mechs = current && Array.isArray(current['contact_mechanisms.']) ? (current['contact_mechanisms.'] as Row[]) : []
  const mechOps: unknown[] = []
  for (const kind of ['email', 'phone'] as const) {
    if (!(kind in changes)) continue
    const value = changes[kind]
    const existing = mechs.find((m) => m.type === kind)
    if (value === null || value === '') {
      if (existing) mechOps.push(['delete', [existing.id]])
    } else if (existing) {
      mechOps.push(['write', [existing.id], { value: String(value) }])
    } else {
      mechOps.push(['create', [{ type: kind, value: String(value) }]])
    }
  }
  if (mechOps.length) values.contact_mechanisms = mechOps
  if (type === 'account' && 'city' in changes) {
    const addresses = current && Array.isArray(current['addresses.']) ? (current['addresses.'] as Row[]) : []
    const city = changes.city === null || changes.city === '' ? null : String(changes.city)
    values.addresses = addresses.length ? [['write', [addresses[0].id], { city }]] : [['create', [{ city }]]]
  }
  if (type === 'contact' && 'accountId' in changes) {
    if (ctx.cats.worksFor === null) throw new CrmError('invalid', 'This Tryton database has no "Works for" party relation type (module party_relationship), so a contact cannot be linked to an account.')
    const relations = current && Array.isArray(current['relations.']) ? (current['relations.'] as Row[]).filter((r) => r.type === ctx.cats.worksFor) : []
    const ops: unknown[] = []
    if (relations.length) ops.push(['delete', relations.map((r) => r.id)])
    if (changes.accountId !== null && changes.accountId !== '') ops.push(['create', [{ to: partyId(changes.accountId, 'an account'), type: ctx.cats.worksFor }]])
    if (ops.length) values.relations = ops
  }
  const catOps: unknown[] = []
  if (type === 'account' && 'industry' in changes) {
    const currentIndustry = current && Array.isArray(current['categories.']) ? (current['categories.'] as Row[]).filter((c) => c.parent === ctx.cats.industry) : []
    if (currentIndustry.length) catOps.push(['remove', currentIndustry.map((c) => c.id)])
    if (changes.industry !== null && changes.industry !== '') catOps.push(['add', [await industryCategoryId(ctx, String(changes.industry))]])
  }
  if (current === null && type === 'contact') {
    if (ctx.cats.contact === null) throw new CrmError('invalid', `This Tryton database has no "${ctx.contactCategory}" category for persons.`)
    catOps.push(['add', [ctx.cats.contact]])
  }
  if (catOps.length) values.categories = catOps
  return values
}

export function dealValues(changes: Record<string, FieldValue>): Record<string, unknown> {
  const values: Record<string, unknown> = {}
  if ('name' in changes) values.description = changes.name === null ? null : String(changes.name)
  if ('amount' in changes) values.amount = changes.amount === null ? null : tryton.decimal(Number(changes.amount))
  if ('accountId' in changes) values.party = changes.accountId === null ? null : partyId(changes.accountId, 'an account')
  if ('closeDate' in changes) values.end_date = changes.closeDate === null ? null : tryton.date(String(changes.closeDate))
  return values
}
