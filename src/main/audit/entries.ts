// What the audit log holds, one JSON object per line: what happened to an action (decisions and
// executions), what the assistant was asked and did for a request (the activity trail), and the
// log's own housekeeping (a torn line set aside, entries archived). Never a secret: no password,
// key, session or token; CRM records appear by type, id and name only.
import type { ActionState, Effect } from '../../shared/domain'

/** What happened to an action: who, when, what (its hash), provider and model, outcome. */
export interface AuditEvent {
  at: number
  event: 'proposed' | 'decided' | 'executed' | 'reconciled' | 'settled' | 'expired' | 'superseded' | 'cancelled' | 'refused' | 'recovered'
  actionId: string
  ability: string
  hash: string
  /** Who: principalKey() of the person the action belongs to. */
  principal: string
  /** The state the action reached with this event, so start-up can find a transition with no line. */
  state?: ActionState
  provider: string
  model: string
  outcome: string
  detail?: string
  /** Where the action came from (absent on lines written before the activity trail). */
  conversationId?: string
  toolCallId?: string
  /** The person's name as the CRM gave it, for "approved by". */
  userName?: string
  /** A decline's reason, as the person gave it. */
  reason?: string
}

export const ACTION_EVENTS: ReadonlySet<string> = new Set<AuditEvent['event']>([
  'proposed',
  'decided',
  'executed',
  'reconciled',
  'settled',
  'expired',
  'superseded',
  'cancelled',
  'refused',
  'recovered'
])

/** A CRM record as the trail names it: never its field values. */
export interface RecordMention {
  type: string
  id: string
  label: string
}

/** The user asked something: a request starts. Its id is the id of the user's entry in the conversation. */
export interface RequestEvent {
  at: number
  event: 'request'
  principal: string
  conversationId: string
  requestId: string
  text: string
}

/** One call to the model for a request: which model, the tokens it reported, what it cost, what it said. */
export interface StepEvent {
  at: number
  event: 'step'
  principal: string
  conversationId: string
  requestId: string
  /** The provider's kind ('openai', 'demo'…), the key of the price table. */
  providerKind: string
  provider: string
  model: string
  /** Absent when the provider reported no usage: nothing is estimated. */
  inputTokens?: number
  outputTokens?: number
  /** In US dollars, from the price in effect when the step ran; absent when the model has no price. */
  costUsd?: number
  outcome: 'answered' | 'tools' | 'failed' | 'stopped'
  /** The text the model answered in this step. */
  answer?: string
  detail?: string
}

/** A tool call the model made: a read with the records it returned, a write proposed, or a refusal. */
export interface ToolEvent {
  at: number
  event: 'tool'
  principal: string
  conversationId: string
  requestId: string
  toolCallId: string
  ability: string
  effect: Effect | null
  outcome: 'returned' | 'refused' | 'proposed'
  records: RecordMention[]
  /** How many more records the read returned than are named here. */
  moreRecords?: number
  summary?: string
  actionId?: string
  detail?: string
}

export type ActivityEvent = RequestEvent | StepEvent | ToolEvent

/** The log's own housekeeping. Belongs to no one (principal ''): never shown as anyone's activity. */
export type ChainEvent =
  | { at: number; event: 'set-aside'; principal: ''; detail: string; tornSha256: string; tornBytes: number }
  | {
      at: number
      event: 'archived'
      principal: ''
      file: string
      count: number
      firstAt: number | null
      lastAt: number | null
      /** The chain hash of the last archived entry (null when only unchained entries were archived). */
      lastHash: string | null
      /** What the first entry left in this file names as its predecessor: the anchor the chain continues from. */
      continuesFrom: string | null
    }

export type AuditEntry = AuditEvent | ActivityEvent | ChainEvent

/** An entry as read back from the log, with its place in the chain (absent on lines from before the chain). */
export type LoggedEntry = AuditEntry & { seq?: number }

export function isActionEvent(entry: { event: string }): entry is AuditEvent {
  return ACTION_EVENTS.has(entry.event)
}
