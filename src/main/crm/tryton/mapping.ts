// How Countersign's canonical records map onto Tryton 6.0 models. Pure functions: rows in,
// records out, canonical filters in, Tryton domains out.
//
// Choices (see README.md in this folder):
// - account  = party.party NOT in the "Contact" party category (companies, and any party not
//              marked as a person). industry = the name of the party's category whose parent is
//              the top-level "Industry" category; city = first address; phone/email = Tryton's
//              own party.phone / party.email (first contact mechanism of that type).
// - contact  = party.party in the "Contact" category (persons). accountId = the party this person
//              has a party_relationship relation "Works for" to (null without that module or
//              relation type); there is no job-title field (title is null and cannot be written).
// - deal     = sale.opportunity: name = description, stage = state, amount, accountId = party,
//              ownerId = employee (company.employee id), closeDate = end_date.
// Deals, contacts and invoices also carry accountName (the account's name) for display.
// A field the user may not read (a field access rule) is left out and listed in `hidden`.
// - invoice  = account.invoice with type 'out': number, party, invoice_date, due date = earliest
//              maturity of its unreconciled lines to pay, total_amount, amount_to_pay, currency, state.
import { createHash } from 'node:crypto'
import { CrmError, FIELDS, type CrmRecord, type FieldValue, type RecordType } from '../types'
import { tryton } from './rpc'
import type { Domain, Row } from './transport'

export type { Domain, Row } from './transport'

export const MODEL: Record<RecordType, string> = {
  account: 'party.party',
  contact: 'party.party',
  deal: 'sale.opportunity',
  invoice: 'account.invoice'
}

export const TYPE_LABEL: Record<RecordType, string> = {
  account: 'Account',
  contact: 'Contact',
  deal: 'Deal',
  invoice: 'Invoice'
}

/** Ids found at sign-in (null when the database has no such category or relation type). */
export interface Categories {
  contact: number | null
  industry: number | null
  /** party.relation.type linking a person to the company they work for. */
  worksFor: number | null
}

const STAMP = ['write_date', 'create_date', '_timestamp']

export const READ_FIELDS: Record<RecordType, string[]> = {
  account: [
    'name',
    'email',
    'phone',
    'categories',
    'categories.name',
    'categories.parent',
    'addresses.city',
    'contact_mechanisms.type',
    'contact_mechanisms.value',
    ...STAMP
  ],
  contact: [
    'name',
    'email',
    'phone',
    'categories',
    'contact_mechanisms.type',
    'contact_mechanisms.value',
    'relations.type',
    'relations.to',
    'relations.to.rec_name',
    ...STAMP
  ],
  deal: ['number', 'description', 'state', 'amount', 'party', 'party.rec_name', 'employee', 'end_date', ...STAMP],
  invoice: [
    'number',
    'description',
    'state',
    'party',
    'party.rec_name',
    'invoice_date',
    'total_amount',
    'amount_to_pay',
    'currency.code',
    'lines_to_pay.maturity_date',
    'lines_to_pay.reconciliation',
    ...STAMP
  ]
}

/** The Tryton fields (top-level names) each canonical field is read from. */
export const SOURCES: Record<RecordType, Record<string, string[]>> = {
  account: { name: ['name'], industry: ['categories'], city: ['addresses'], phone: ['phone'], email: ['email'] },
  contact: { name: ['name'], email: ['email'], phone: ['phone'], title: [], accountId: ['relations'] },
  deal: { name: ['description'], stage: ['state'], amount: ['amount'], accountId: ['party'], ownerId: ['employee'], closeDate: ['end_date'] },
  invoice: {
    number: ['number'],
    accountId: ['party'],
    issueDate: ['invoice_date'],
    dueDate: ['lines_to_pay'],
    total: ['total_amount'],
    amountOpen: ['amount_to_pay'],
    currency: ['currency'],
    state: ['state']
  }
}

/** READ_FIELDS without the fields (and their sub-fields) Tryton refuses to this user. */
export function readFields(type: RecordType, refused: ReadonlySet<string>): string[] {
  return READ_FIELDS[type].filter((f) => !refused.has(f.split('.')[0]))
}

/** Canonical fields hidden from this user because a Tryton field they come from is refused. */
export function hiddenFields(type: RecordType, refused: ReadonlySet<string>): string[] {
  return Object.entries(SOURCES[type])
    .filter(([, from]) => from.some((f) => refused.has(f)))
    .map(([field]) => field)
}

export function baseDomain(type: RecordType, cats: Categories): Domain {
  switch (type) {
    case 'account':
      return cats.contact === null ? [] : [['categories', 'not in', [cats.contact]]]
    case 'contact':
      // No "Contact" category in this database: no party is a contact.
      return cats.contact === null ? [['id', '=', -1]] : [['categories', '=', cats.contact]]
    case 'deal':
      return []
    case 'invoice':
      return [['type', '=', 'out']]
  }
}

export function textDomain(type: RecordType, text: string): Domain {
  const like = `%${text}%`
  switch (type) {
    case 'account':
    case 'contact':
      return [['name', 'ilike', like]]
    case 'deal':
      return [['OR', ['description', 'ilike', like], ['number', 'ilike', like], ['party.name', 'ilike', like]]]
    case 'invoice':
      return [['OR', ['number', 'ilike', like], ['description', 'ilike', like], ['party.name', 'ilike', like]]]
  }
}

function idOf(v: FieldValue): number {
  const n = Number(v)
  if (!Number.isInteger(n) || n <= 0) throw new CrmError('invalid', `Not a record id: ${String(v)}`)
  return n
}

/**
 * The Tryton domain for one canonical filter, or null when Tryton cannot search on it (the
 * caller then filters the mapped records itself). Throws 'invalid' for a field the type lacks.
 */
export function whereDomain(type: RecordType, field: string, value: FieldValue, cats: Categories): Domain | null {
  if (!(field in FIELDS[type]) && field !== 'accountName') throw new CrmError('invalid', `${TYPE_LABEL[type]} records have no field "${field}".`)
  if (value === null) return null
  const s = String(value)
  switch (`${type}.${field}`) {
    case 'account.name':
    case 'contact.name':
      return [['name', '=', s]]
    case 'account.city':
      return [['addresses.city', '=', s]]
    case 'account.industry':
      return [['categories', 'where', [['name', '=', s], ['parent', '=', cats.industry ?? -1]]]]
    case 'account.email':
    case 'account.phone':
    case 'contact.email':
    case 'contact.phone':
      return [['contact_mechanisms', 'where', [['type', '=', field], ['value', '=', s]]]]
    case 'contact.title':
      return [['id', '=', -1]]
    case 'contact.accountId':
      return [['relations', 'where', [['to', '=', idOf(value)], ['type', '=', cats.worksFor ?? -1]]]]
    case 'deal.name':
      return [['description', '=', s]]
    case 'deal.stage':
      return [['state', '=', s]]
    case 'deal.amount':
      return typeof value === 'number' ? [['amount', '=', tryton.decimal(value)]] : null
    case 'deal.closeDate':
      return /^\d{4}-\d{2}-\d{2}$/.test(s) ? [['end_date', '=', tryton.date(s)]] : null
    case 'deal.accountId':
    case 'invoice.accountId':
      return [['party', '=', idOf(value)]]
    case 'deal.ownerId':
      return [['employee', '=', idOf(value)]]
    case 'invoice.number':
      return [['number', '=', s]]
    case 'invoice.state':
      return [['state', '=', s]]
    case 'invoice.currency':
      return [['currency.code', '=', s]]
    case 'invoice.issueDate':
      return /^\d{4}-\d{2}-\d{2}$/.test(s) ? [['invoice_date', '=', tryton.date(s)]] : null
    default:
      return null
  }
}

export function matchesWhere(record: CrmRecord, where: Record<string, FieldValue> | undefined): boolean {
  if (!where) return true
  for (const [k, v] of Object.entries(where)) {
    const actual = record.fields[k] ?? null
    if (v === null ? actual !== null : actual === null || String(actual) !== String(v)) return false
  }
  return true
}

function str(v: unknown): string | null {
  return typeof v === 'string' && v !== '' ? v : null
}

function num(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null
}

function ref(v: unknown): string | null {
  return typeof v === 'number' ? String(v) : null
}

function sub(row: Row, field: string): Row[] {
  const v = row[`${field}.`]
  return Array.isArray(v) ? (v as Row[]) : []
}

function sub1(row: Row, field: string): Row | null {
  const v = row[`${field}.`]
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Row) : null
}

/** Earliest maturity date of the invoice's lines still to pay (null for drafts). */
export function dueDateOf(row: Row): string | null {
  const dates = sub(row, 'lines_to_pay')
    .filter((l) => l.reconciliation === null || l.reconciliation === undefined)
    .map((l) => str(l.maturity_date))
    .filter((d): d is string => d !== null)
    .sort()
  return dates[0] ?? null
}

export function industryOf(row: Row, cats: Categories): string | null {
  if (cats.industry === null) return null
  const c = sub(row, 'categories').find((c) => c.parent === cats.industry)
  return c ? str(c.name) : null
}

/** The relation "Works for" of a person: the account id and name, or nulls. */
export function employerOf(row: Row, cats: Categories): { id: string | null; name: string | null } {
  if (cats.worksFor === null) return { id: null, name: null }
  const rel = sub(row, 'relations').find((r) => r.type === cats.worksFor)
  return rel ? { id: ref(rel.to), name: str(sub1(rel, 'to')?.rec_name) } : { id: null, name: null }
}

function allFields(type: RecordType, row: Row, cats: Categories): Record<string, FieldValue> {
  switch (type) {
    case 'account':
      return {
        name: str(row.name),
        industry: industryOf(row, cats),
        city: str(sub(row, 'addresses')[0]?.city),
        phone: str(row.phone),
        email: str(row.email)
      }
    case 'contact': {
      const employer = employerOf(row, cats)
      return { name: str(row.name), email: str(row.email), phone: str(row.phone), title: null, accountId: employer.id, accountName: employer.name }
    }
    case 'deal':
      return {
        name: str(row.description),
        stage: str(row.state),
        amount: num(row.amount),
        accountId: ref(row.party),
        accountName: str(sub1(row, 'party')?.rec_name),
        ownerId: ref(row.employee),
        closeDate: str(row.end_date)
      }
    case 'invoice':
      return {
        number: str(row.number),
        accountId: ref(row.party),
        accountName: str(sub1(row, 'party')?.rec_name),
        issueDate: str(row.invoice_date),
        dueDate: dueDateOf(row),
        total: num(row.total_amount),
        amountOpen: num(row.amount_to_pay),
        currency: str(sub1(row, 'currency')?.code),
        state: str(row.state)
      }
  }
}

/** The record's canonical fields (plus accountName), without those in `hidden`. */
export function canonicalFields(type: RecordType, row: Row, cats: Categories, hidden: readonly string[] = []): Record<string, FieldValue> {
  const fields = allFields(type, row, cats)
  for (const f of hidden) delete fields[f]
  return fields
}

export function labelOf(type: RecordType, row: Row, fields: Record<string, FieldValue>): string {
  switch (type) {
    case 'account':
    case 'contact':
      return String(fields.name ?? `Party ${String(row.id)}`)
    case 'deal':
      return String(fields.name ?? row.number ?? `Opportunity ${String(row.id)}`)
    case 'invoice':
      return fields.number ? `Invoice ${String(fields.number)}` : `Draft invoice ${String(row.description ?? row.id)}`
  }
}

/**
 * The record version: Tryton's write date (microseconds; create date for a record never
 * written) plus a digest of the canonical values, so an edit to a contact mechanism or address
 * (which does not touch the party's own write date) still changes the version.
 */
export function versionOf(row: Row, fields: Record<string, FieldValue>): string {
  const stamp = str(row.write_date) ?? str(row.create_date) ?? '0'
  const digest = createHash('sha256')
    .update(JSON.stringify([row.id, Object.entries(fields).sort(([a], [b]) => (a < b ? -1 : 1))]))
    .digest('hex')
    .slice(0, 12)
  return `${stamp}~${digest}`
}

export function toRecord(type: RecordType, row: Row, cats: Categories, hidden: readonly string[] = []): CrmRecord {
  const fields = canonicalFields(type, row, cats, hidden)
  const record: CrmRecord = { type, id: String(row.id), version: versionOf(row, fields), label: labelOf(type, row, fields), fields }
  if (hidden.length) record.hidden = [...hidden]
  return record
}

/** Tryton's own second-resolution timestamp for the `_timestamp` context check. */
export function trytonTimestamp(row: Row): string | null {
  return typeof row._timestamp === 'string' ? row._timestamp : null
}

export function formatValue(v: FieldValue): string {
  return v === null ? '—' : String(v)
}
