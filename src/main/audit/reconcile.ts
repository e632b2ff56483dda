// The ledger is written before the audit log, so a crash between the two can leave a decision or
// an execution with no audit line. At start-up every state an action reached that the log does
// not show gets its line, marked `recovered`, with the time the ledger recorded. Only the log's
// tail is read: a crash can only have lost the lines of the last moments before it.
import type { ActionState } from '../../shared/domain'
import type { ActionLedger } from '../actions/ledger'
import type { AuditLog } from './audit-log'

/**
 * States worth a line: each is a decision or how an action ended. Not `executing`: it gets no line
 * of its own while the app runs (its outcome's line tells of the execution), and one left by a
 * crash gets a `reconciled` line when start-up settles it; a line here would claim a crash that
 * never happened after every clean quit.
 */
const AUDITED: ReadonlySet<ActionState> = new Set(['pending', 'approved', 'declined', 'succeeded', 'failed', 'outcome_unknown', 'expired', 'superseded', 'cancelled'])
const TAIL_BYTES = 1_000_000

export function reconcileAudit(ledger: ActionLedger, audit: AuditLog, clock: () => number): number {
  const { events, complete, archivedThrough } = audit.readTail(TAIL_BYTES)
  const seen = new Set(events.map((e) => `${e.actionId}|${e.state ?? ''}`))
  const legacy = new Set(events.filter((e) => !e.state).map((e) => e.actionId))
  // With only the tail read, transitions older than its first line were logged before it; with the
  // whole log read, those up to the newest archived entry were logged and then archived.
  const since = complete ? (archivedThrough === null ? -Infinity : archivedThrough + 1) : (events[0]?.at ?? clock())
  let added = 0
  // A crash can only have cut lines of actions that changed since the previous start-up.
  for (const action of ledger.changedSinceLastStart()) {
    if (legacy.has(action.id)) continue // logged before lines carried their state
    for (const step of action.history) {
      if (!AUDITED.has(step.state) || step.at < since || seen.has(`${action.id}|${step.state}`)) continue
      audit.append({
        at: step.at,
        event: 'recovered',
        actionId: action.id,
        ability: action.ability,
        hash: action.hash,
        principal: action.principal,
        state: step.state,
        provider: action.provider,
        model: action.model,
        outcome: step.state,
        detail: 'recorded at start-up: the app stopped between this change and its audit line',
        conversationId: action.conversationId,
        toolCallId: action.toolCallId,
        userName: action.userName,
        ...(step.state === 'declined' && action.declineReason ? { reason: action.declineReason } : {})
      })
      seen.add(`${action.id}|${step.state}`)
      added++
    }
  }
  return added
}
