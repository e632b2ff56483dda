// The records a read returned and a write touches, as the trail names them: type, id and name,
// never their field values (the trail is not a copy of the CRM).
import type { ActionCard } from '../../shared/domain'
import type { RecordMention } from '../audit/entries'
import { RECORD_TYPES } from '../crm/types'

/** More than this many records from one read are counted, not named. */
export const MAX_RECORDS_NAMED = 50

const TYPES = new Set<string>(RECORD_TYPES)

function str(value: unknown): string | null {
  return typeof value === 'string' && value.length > 0 ? value : typeof value === 'number' ? String(value) : null
}

/** One result object as mentions: a CRM record, an overdue invoice (and its account), an automation. */
function mentionsOf(value: unknown, ability: string): RecordMention[] {
  if (!value || typeof value !== 'object') return []
  const v = value as Record<string, unknown>
  const id = str(v.id)
  if (!id) return []
  if (typeof v.type === 'string' && TYPES.has(v.type)) return [{ type: v.type, id, label: str(v.label) ?? id }]
  if (typeof v.number === 'string' && v.account && typeof v.account === 'object') {
    const account = v.account as Record<string, unknown>
    const accountId = str(account.id)
    return [{ type: 'invoice', id, label: v.number }, ...(accountId ? [{ type: 'account', id: accountId, label: str(account.name) ?? accountId }] : [])]
  }
  if (ability.includes('automation') && typeof v.name === 'string') return [{ type: 'automation', id, label: v.name }]
  return []
}

/** The records a read's data holds, without duplicates, at most MAX_RECORDS_NAMED named. */
export function recordsOfRead(ability: string, data: unknown): { records: RecordMention[]; more: number } {
  const items = Array.isArray(data)
    ? data
    : data && typeof data === 'object' && Array.isArray((data as { records?: unknown }).records)
      ? (data as { records: unknown[] }).records
      : [data]
  const seen = new Map<string, RecordMention>()
  for (const item of items) for (const m of mentionsOf(item, ability)) if (!seen.has(`${m.type}:${m.id}`)) seen.set(`${m.type}:${m.id}`, m)
  const all = [...seen.values()]
  return { records: all.slice(0, MAX_RECORDS_NAMED), more: Math.max(0, all.length - MAX_RECORDS_NAMED) }
}

/** The records an approval card says a write touches. */
export function recordsOfCard(card: ActionCard): RecordMention[] {
  const d = card.detail
  switch (d.kind) {
    case 'update':
      return [{ type: d.record.type, id: d.record.id, label: d.record.label }]
    case 'message':
      return d.about ? [{ type: d.about.type, id: d.about.id, label: d.about.label }] : []
    case 'automation':
      return [{ type: 'automation', id: d.automation.id, label: d.automation.label }]
    default:
      return []
  }
}
