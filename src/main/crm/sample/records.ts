// How stored records look from the outside (labels, canonical fields, read-only extras), how a
// search matches, and how incoming field values are checked. Pure functions over the data.
import { CrmError, FIELDS, type CrmRecord, type FieldValue, type RecordType, type SearchQuery } from '../types'
import { checkWritable } from '../fields'
import { SAMPLE_SCHEMA, versionOf, type SampleUser, type StoredRecord, type WorkspaceData } from './model'
import { can } from './rules'

export const TYPE_NAME: Record<RecordType, string> = { account: 'Account', contact: 'Contact', deal: 'Deal', invoice: 'Invoice' }

export function findRecord(ws: WorkspaceData, type: RecordType, id: string): StoredRecord | undefined {
  return ws.records[type].find((r) => r.id === id)
}

export function readable(viewer: SampleUser, type: RecordType, r: StoredRecord): boolean {
  return can(viewer, 'read', { kind: 'record', type, id: r.id, fields: r.fields }).allowed
}

/** The record's own name: accounts, contacts and deals have one; invoices have a number. */
export function nameOf(type: RecordType, r: StoredRecord): string {
  return String((type === 'invoice' ? r.fields.number : r.fields.name) ?? r.id)
}

function accountName(ws: WorkspaceData, viewer: SampleUser, id: FieldValue): string | null {
  if (typeof id !== 'string') return null
  const a = findRecord(ws, 'account', id)
  return a && readable(viewer, 'account', a) ? nameOf('account', a) : null
}

export function toCrmRecord(ws: WorkspaceData, viewer: SampleUser, type: RecordType, r: StoredRecord): CrmRecord {
  const fields: Record<string, FieldValue> = {}
  for (const f of Object.keys(FIELDS[type])) fields[f] = r.fields[f] ?? null
  const account = 'accountId' in FIELDS[type] ? accountName(ws, viewer, r.fields.accountId) : null
  if ('accountId' in FIELDS[type]) fields.accountName = account
  if (type === 'deal') {
    fields.ownerName = ws.users.find((u) => u.id === r.fields.ownerId)?.name ?? null
    fields.team = r.fields.team ?? null
  }
  const name = nameOf(type, r)
  return {
    type,
    id: r.id,
    version: versionOf(ws.workspaceId, r.revision),
    label: account && type !== 'account' ? `${name} (${account})` : name,
    fields
  }
}

const norm = (v: FieldValue | undefined) => (v === null || v === undefined ? null : String(v).toLowerCase())

export function matches(type: RecordType, rec: CrmRecord, query: SearchQuery): boolean {
  const text = query.text?.trim().toLowerCase()
  if (text && !rec.label.toLowerCase().includes(text) && !String(rec.fields.name ?? rec.fields.number ?? '').toLowerCase().includes(text)) {
    return false
  }
  for (const [field, value] of Object.entries(query.where ?? {})) {
    if (norm(rec.fields[field]) !== norm(value)) return false
  }
  return true
}

export function checkWhere(type: RecordType, where: SearchQuery['where']): void {
  for (const field of Object.keys(where ?? {})) {
    if (!(field in FIELDS[type])) {
      throw new CrmError('invalid', `Cannot filter ${TYPE_NAME[type].toLowerCase()}s by "${field}". Fields: ${Object.keys(FIELDS[type]).join(', ')}`)
    }
  }
}

export function clampLimit(limit: number | undefined): number {
  if (limit === undefined || !Number.isFinite(limit)) return 20
  return Math.min(50, Math.max(1, Math.floor(limit)))
}

const REQUIRED: Record<RecordType, string[]> = { account: ['name'], contact: ['name'], deal: ['name', 'accountId'], invoice: [] }
const EMAIL = /^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/

/**
 * Checks fields for a create or an update against FIELDS: only known, writable fields, of the
 * right kind, references to records the user can read. Returns the cleaned values.
 */
export function validateFields(
  ws: WorkspaceData,
  viewer: SampleUser,
  type: RecordType,
  input: Record<string, FieldValue>,
  mode: 'create' | 'update'
): Record<string, FieldValue> {
  const spec = FIELDS[type]
  const what = TYPE_NAME[type].toLowerCase()
  const bad = (msg: string): never => {
    throw new CrmError('invalid', msg)
  }
  if (!input || typeof input !== 'object' || Array.isArray(input)) bad(`Fields for a ${what} must be an object`)
  const entries = Object.entries(input)
  if (mode === 'update' && entries.length === 0) bad(`No changes given for the ${what}`)
  // Which fields may be set, and the stage: the same check the abilities and Tryton make.
  if (entries.length) checkWritable(SAMPLE_SCHEMA, type, input)
  const out: Record<string, FieldValue> = {}
  for (const [field, raw] of entries) {
    const f = spec[field]
    let value: FieldValue = typeof raw === 'string' ? raw.trim() : raw
    if (value === '') value = null
    if (value === null) {
      if (REQUIRED[type].includes(field)) bad(`${f.label} is required for a ${what}`)
      out[field] = null
      continue
    }
    switch (f.kind) {
      case 'text':
        if (typeof value !== 'string') bad(`${f.label} must be text`)
        break
      case 'number':
        if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) bad(`${f.label} must be a number of zero or more`)
        break
      case 'date': {
        const ok = typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value) && new Date(`${value}T00:00:00Z`).toISOString().startsWith(value)
        if (!ok) bad(`${f.label} must be a date written yyyy-mm-dd`)
        break
      }
      case 'ref': {
        const target = findRecord(ws, 'account', String(value))
        if (typeof value !== 'string' || !target || !readable(viewer, 'account', target)) bad(`${f.label}: no account with id "${String(value)}"`)
        break
      }
    }
    if (field === 'email' && !EMAIL.test(String(value))) bad(`"${String(value)}" is not an email address`)
    if (type === 'deal' && field === 'stage') value = String(value).trim().toLowerCase()
    out[field] = value
  }
  if (mode === 'create') {
    for (const field of REQUIRED[type]) if (out[field] === undefined || out[field] === null) bad(`${spec[field].label} is required for a ${what}`)
  }
  return out
}

export function show(v: FieldValue | undefined): string {
  return v === null || v === undefined || v === '' ? '(empty)' : String(v)
}
