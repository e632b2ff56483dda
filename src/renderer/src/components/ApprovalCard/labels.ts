// Every word the card uses for a state, in one table, and the small helpers that turn the CRM's
// internal names (record types, input keys) into words people use.
import type { ActionState } from '../../../../shared/domain'

export type Tone = 'waiting' | 'running' | 'success' | 'danger' | 'warning' | 'muted'

type StateWords = {
  /** The pill in the card's corner. */
  short: string
  /** The sentence in the card's state section. */
  label: string
  tone: Tone
}

export const STATE: Record<ActionState, StateWords> = {
  proposed: { short: 'Preparing', label: 'Being prepared…', tone: 'waiting' },
  pending: { short: 'Waiting', label: 'Waiting for your decision', tone: 'waiting' },
  approved: { short: 'Approved', label: 'Approved — running…', tone: 'running' },
  executing: { short: 'Running', label: 'Running…', tone: 'running' },
  succeeded: { short: 'Done', label: 'Done', tone: 'success' },
  failed: { short: 'Failed', label: 'Failed — nothing was changed', tone: 'danger' },
  outcome_unknown: { short: 'Outcome unknown', label: "We don't know whether this happened", tone: 'warning' },
  declined: { short: 'Declined', label: 'Declined — not run', tone: 'muted' },
  expired: { short: 'Expired', label: 'Expired — not run', tone: 'muted' },
  superseded: { short: 'Superseded', label: 'Superseded — the record changed; see the new card', tone: 'muted' },
  cancelled: { short: 'Cancelled', label: 'Cancelled — not run', tone: 'muted' }
}

/** Column headings of a before/after table: what "before" and "after" mean depends on whether it ran. */
export function changeHeadings(state: ActionState): { before: string; after: string } {
  switch (state) {
    case 'succeeded':
      return { before: 'Before', after: 'Now' }
    case 'approved':
    case 'executing':
      return { before: 'Before', after: 'Being set to' }
    case 'pending':
    case 'proposed':
      return { before: 'Now', after: 'After approval' }
    case 'outcome_unknown':
      return { before: 'Before', after: 'Being set to (not confirmed)' }
    default:
      return { before: 'At the time', after: 'Was proposed (not applied)' }
  }
}

const RECORD_TYPES: Record<string, string> = {
  account: 'Account',
  contact: 'Contact',
  deal: 'Deal',
  invoice: 'Invoice',
  automation: 'Automation'
}

/** "deal" → "Deal"; unknown types are spelled out from their identifier. */
export function recordTypeLabel(type: string): string {
  return RECORD_TYPES[type] ?? humanize(type)
}

const INPUT_LABELS: Record<string, string> = {
  type: 'Kind of record',
  text: 'Matching',
  where: 'Only where',
  limit: 'At most',
  id: 'Record',
  automationId: 'Automation',
  days: 'Days'
}

/** The label of a read's input: the words for known keys, a spelled-out identifier otherwise. */
export function inputLabel(key: string): string {
  return INPUT_LABELS[key] ?? humanize(key)
}

/** A read's input value, shown without JSON quoting when it is a plain string or number. */
export function inputValue(raw: string): string {
  try {
    const value: unknown = JSON.parse(raw)
    if (typeof value === 'string') return value
    if (typeof value === 'number' || typeof value === 'boolean') return String(value)
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      return Object.entries(value as Record<string, unknown>)
        .map(([k, v]) => `${humanize(k)} is ${typeof v === 'string' ? v : JSON.stringify(v)}`)
        .join(', ')
    }
  } catch {
    // Not JSON: show it as it came.
  }
  return raw
}

/** "automationId" / "due_date" → "Automation id" / "Due date". */
export function humanize(identifier: string): string {
  const words = identifier
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[_\-.]+/g, ' ')
    .trim()
    .toLowerCase()
  return words ? words[0].toUpperCase() + words.slice(1) : identifier
}
