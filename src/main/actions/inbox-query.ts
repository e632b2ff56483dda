// The inbox, one page at a time: with thousands waiting, the renderer asks for a page and a total
// and never receives everything at once. Pages use a keyset cursor (the sort key and id of the last
// row sent), so deciding or adding actions between two pages neither skips nor repeats a row.
import type { RequestInput, RequestOutput } from '../../shared/contract'
import type { ActionState } from '../../shared/domain'
import { DECIDED_STATES, WAITING_STATES, waitingSortKey } from '../../shared/inbox'
import { toView, type ActionRecord } from './ledger'

export type InboxPageInput = RequestInput<'actions.inboxPage'>
export type InboxPage = RequestOutput<'actions.inboxPage'>
/** The ledger as the inbox reads it. */
export interface InboxSource {
  inState(...states: ActionState[]): ActionRecord[]
}

import { InboxCursorError } from '../errors'
export { InboxCursorError }

/** A number to sort by, ascending; ties broken by id. */
function sortKey(action: ActionRecord, input: InboxPageInput): number {
  return input.list === 'decided' ? -lastChange(action) : waitingSortKey(action, input.sort ?? 'time_left')
}

function lastChange(action: ActionRecord): number {
  return action.history.at(-1)?.at ?? action.decidedAt ?? action.createdAt
}

function encode(key: number, id: string): string {
  return `${key}~${id}`
}

function decode(cursor: string): { key: number; id: string } {
  const at = cursor.indexOf('~')
  const key = Number(cursor.slice(0, at))
  const id = cursor.slice(at + 1)
  if (at <= 0 || !Number.isSafeInteger(key) || !id) throw new InboxCursorError()
  return { key, id }
}

/** One page of `userId`'s inbox. Nobody else's actions are ever counted or returned. */
export function queryInbox(source: InboxSource, principal: string | null, input: InboxPageInput): InboxPage {
  const userId = principal
  if (!userId) return { items: [], total: 0, nextCursor: null }
  const states = input.list === 'waiting' ? WAITING_STATES : DECIDED_STATES[input.filter ?? 'all']
  const rows = source
    .inState(...states)
    .filter((a) => a.principal === userId)
    .map((action) => ({ action, key: sortKey(action, input) }))
    .sort((a, b) => a.key - b.key || (a.action.id < b.action.id ? -1 : a.action.id > b.action.id ? 1 : 0))
  let start = 0
  if (input.cursor) {
    const after = decode(input.cursor)
    // First row strictly after the cursor in (key, id) order: binary search.
    let lo = 0
    let hi = rows.length
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      const row = rows[mid]
      if (row.key < after.key || (row.key === after.key && row.action.id <= after.id)) lo = mid + 1
      else hi = mid
    }
    start = lo
  }
  const page = rows.slice(start, start + input.limit)
  const last = page.at(-1)
  const more = start + page.length < rows.length
  return {
    items: page.map((r) => toView(r.action)),
    total: rows.length,
    nextCursor: more && last ? encode(last.key, last.action.id) : null
  }
}
