// How Countersign's canonical records map onto Tryton 6.0 models. Pure functions: rows in,
// records out, canonical filters in, Tryton domains out.
//
// Choices (see README.md in this folder):
// - account  = party.party NOT in the "Contact" party category (companies, and any party not
//              marked as a person). industry = the name of the party's category whose parent is
//              the top-level "Industry" category; city = first address; phone/email = Tryton's
//              own party.phone / party.email (first contact mechanism of that type).
// - contact  = party.party in the "Contact" category (persons). Tryton 6.0 without the
//              party_relationship module has no person → company link, so accountId is always
//              null and cannot be written; there is no job-title field either (title is null).
// - deal     = sale.opportunity: name = description, stage = state, amount, accountId = party,
//              ownerId = employee (company.employee id), closeDate = end_date.
// - invoice  = account.invoice with type 'out': number, party, invoice_date, due date = earliest
//              maturity of its unreconciled lines to pay, total_amount, amount_to_pay, currency, state.
import { createHash } from 'node:crypto'
import { CrmError, FIELDS, type CrmRecord, type FieldValue, type RecordType } from '../types'

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

/** Category ids found at sign-in (null when the database has no such category). */
export interface Categories {
  contact: number | null
  industry: number | null
}

export type Row = Record<string, unknown>
export type Domain = unknown[]

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
  contact: ['name', 'email', 'phone', 'categories', 'contact_mechanisms.type', 'contact_mechanisms.value', ...STAMP],
  deal: ['number', 'description', 'state', 'amount', 'party', 'employee', 'end_date', ...STAMP],
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
 * Narrows the server-side search for one canonical filter. Returns [] when the filter is only
 * applied on the mapped records (client side). Throws 'invalid' for a field the type lacks.
 */
export function whereDomain(type: RecordType, field: string, value: FieldValue): Domain {
  if (!(field in FIELDS[type])) throw new CrmError('invalid', `${TYPE_LABEL[type]} records have no field "${field}".`)
  if (value === null) return []
  const s = String(value)
  switch (`${type}.${field}`) {
    case 'account.name':
    case 'contact.name':
      return [['name', '=', s]]
    case 'account.city':
      return [['addresses.city', '=', s]]
    case 'account.industry':
      return [['categories.name', '=', s]]
    case 'account.email':
    case 'account.phone':
    case 'contact.email':
    case 'contact.phone':
      return [['contact_mechanisms.value', '=', s]]
    case 'deal.name':
      return [['description', '=', s]]
    case 'deal.stage':
      return [['state', '=', s]]
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
    default:
      return []
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

export function canonicalFields(type: RecordType, row: Row, cats: Categories): Record<string, FieldValue> {
  switch (type) {
    case 'account':
      return {
        name: str(row.name),
        industry: industryOf(row, cats),
        city: str(sub(row, 'addresses')[0]?.city),
        phone: str(row.phone),
        email: str(row.email)
      }
    case 'contact':
      return { name: str(row.name), email: str(row.email), phone: str(row.phone), title: null, accountId: null }
    case 'deal':
      return {
        name: str(row.description),
        stage: str(row.state),
        amount: num(row.amount),
        accountId: ref(row.party),
        ownerId: ref(row.employee),
        closeDate: str(row.end_date)
      }
    case 'invoice':
      return {
        number: str(row.number),
        accountId: ref(row.party),
        issueDate: str(row.invoice_date),
        dueDate: dueDateOf(row),
        total: num(row.total_amount),
        amountOpen: num(row.amount_to_pay),
        currency: str(sub1(row, 'currency')?.code),
        state: str(row.state)
      }
  }
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

export function toRecord(type: RecordType, row: Row, cats: Categories): CrmRecord {
  const fields = canonicalFields(type, row, cats)
  return { type, id: String(row.id), version: versionOf(row, fields), label: labelOf(type, row, fields), fields }
}

/** Tryton's own second-resolution timestamp for the `_timestamp` context check. */
export function trytonTimestamp(row: Row): string | null {
  return typeof row._timestamp === 'string' ? row._timestamp : null
}

/** Opportunity workflow buttons that reach each stage. 'won' is set by Tryton when sales complete. */
export const STAGE_BUTTON: Record<string, string> = {
  lead: 'lead',
  opportunity: 'opportunity',
  converted: 'convert',
  lost: 'lost',
  cancelled: 'cancel'
}

export function formatValue(v: FieldValue): string {
  return v === null ? '—' : String(v)
}
