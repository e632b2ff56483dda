// The action lifecycle as an explicit table. Any move not listed here throws.
//
//   proposed ─allow→ executing
//   proposed ─ask──→ pending ─approve→ approved → executing → succeeded | failed | outcome_unknown
//                    pending ─→ declined | expired | superseded | cancelled
//   outcome_unknown ─the user settles→ succeeded (it happened) | executing (run it again)
//
// Beyond DESIGN.md's diagram, and why:
//   approved → superseded, executing → superseded   the record changed before the call (invariant 6)
//   approved → failed                              a re-check at execution refused it (invariant 7)
import type { ActionState } from '../../shared/domain'

const ALLOWED: Record<ActionState, readonly ActionState[]> = {
  proposed: ['pending', 'executing'],
  pending: ['approved', 'declined', 'expired', 'superseded', 'cancelled'],
  approved: ['executing', 'superseded', 'failed'],
  executing: ['succeeded', 'failed', 'outcome_unknown', 'superseded'],
  outcome_unknown: ['succeeded', 'executing'],
  succeeded: [],
  failed: [],
  declined: [],
  expired: [],
  superseded: [],
  cancelled: []
}

import { IllegalTransitionError } from '../errors'
export { IllegalTransitionError }

export function canTransition(from: ActionState, to: ActionState): boolean {
  return ALLOWED[from].includes(to)
}

export function assertTransition(from: ActionState, to: ActionState): void {
  if (!canTransition(from, to)) throw new IllegalTransitionError(from, to)
}

export const ALL_STATES = Object.keys(ALLOWED) as ActionState[]
