// The inbox's order and filters, shared by main (which pages it) and the renderer (which places
// a card pushed between two pages), so both sides agree on where a row belongs.
import type { ActionState } from './domain'

export type InboxList = 'waiting' | 'decided'
export type InboxSort = 'time_left' | 'newest'
export type InboxFilter = 'all' | 'approved' | 'declined' | 'expired' | 'failed' | 'superseded'

export const WAITING_STATES: readonly ActionState[] = ['pending', 'outcome_unknown']

/** What each filter of the "Decided" list shows. */
export const DECIDED_STATES: Record<InboxFilter, readonly ActionState[]> = {
  all: ['approved', 'executing', 'succeeded', 'failed', 'declined', 'expired', 'superseded', 'cancelled'],
  approved: ['approved', 'executing', 'succeeded', 'failed'],
  declined: ['declined'],
  expired: ['expired'],
  failed: ['failed'],
  superseded: ['superseded', 'cancelled']
}

/** Sort key of a waiting action, ascending; ties are broken by id. An outcome nobody knows never
 *  expires and needs the user most, so by time left it comes first. */
export function waitingSortKey(action: { state: ActionState; expiresAt: number; createdAt: number }, sort: InboxSort): number {
  if (sort === 'newest') return -action.createdAt
  return action.state === 'outcome_unknown' ? Number.MIN_SAFE_INTEGER : action.expiresAt
}
