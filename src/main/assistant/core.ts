// What the parts of the assistant share: their dependencies, the conversation locks, the answers
// in flight, background work, and the two side channels every part writes to (audit, badge).
import type { SignedInUser } from '../../shared/domain'
import type { AbilityCatalog } from '../abilities/catalog'
import type { AccessRule } from '../access/access'
import type { AccountService } from '../accounts/accounts'
import type { ActionLedger, ActionRecord } from '../actions/ledger'
import type { AuditEvent, AuditLog } from '../audit/audit-log'
import type { ActivityEvent } from '../audit/entries'
import type { ConversationStore } from '../conversations/store'
import type { EventSink } from '../ipc/events'
import type { Notifier } from '../notify/types'
import type { PolicyDecision } from '../policy/policy'
import type { ProviderService } from '../providers/types'
import { ConversationLocks } from './locks'

export type Checkpoint = 'executing-on-disk' | 'crm-call-returned' | 'proposal-on-disk'

export interface AssistantDeps {
  conversations: ConversationStore
  ledger: ActionLedger
  catalog: AbilityCatalog
  accounts: AccountService
  providers: ProviderService
  /** The rule in effect for this ability and this person (their own settings plus any administrator's). */
  policyFor: (abilityName: string, user: SignedInUser) => PolicyDecision
  accessRule: () => AccessRule | null
  audit: AuditLog
  notifier: Notifier
  events: EventSink
  clock: () => number
  /** US dollars for a step's tokens, or undefined when the model has no price (then only tokens are shown). */
  costOf?: (principal: string, providerKind: string, model: string, usage: { inputTokens: number; outputTokens: number } | undefined) => number | undefined
  /** Fault-injection points for the crash tests; a no-op in the app. */
  checkpoint?: (name: Checkpoint) => Promise<void>
  /** Where unexpected errors go: a local log, never the user's screen. */
  log?: (message: string, error?: unknown) => void
}

export class AssistantCore {
  readonly locks = new ConversationLocks()
  /** Answers being generated now, by conversation: Stop aborts them. */
  readonly running = new Map<string, AbortController>()
  private readonly background = new Set<Promise<unknown>>()

  constructor(readonly deps: AssistantDeps) {}

  /** Work that outlives the request that started it; failures go to the log, never lost silently. */
  spawn(work: Promise<unknown>): void {
    const tracked = work.catch((error) => this.log('background work failed', error))
    this.background.add(tracked)
    void tracked.finally(() => this.background.delete(tracked))
  }

  /** Resolves once nothing started here is still running (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.background.size > 0) await Promise.allSettled([...this.background])
  }

  log(message: string, error?: unknown): void {
    if (this.deps.log) this.deps.log(message, error)
    else console.error('[assistant]', message, error instanceof Error ? error.message : (error ?? ''))
  }

  audit(action: ActionRecord, event: AuditEvent['event'], outcome: string, detail?: string): void {
    this.deps.audit.append({
      at: this.deps.clock(),
      event,
      actionId: action.id,
      ability: action.ability,
      hash: action.hash,
      principal: action.principal,
      state: action.state,
      provider: action.provider,
      model: action.model,
      outcome,
      detail,
      conversationId: action.conversationId,
      toolCallId: action.toolCallId,
      userName: action.userName,
      ...(action.state === 'declined' && action.declineReason ? { reason: action.declineReason } : {})
    })
  }

  /**
   * The activity trail: what was asked, each model step, each tool call. It is part of the audit
   * log, synced with the next decision or within a moment (audit-log.ts), not one sync per line.
   */
  activity(event: ActivityEvent): void {
    try {
      this.deps.audit.append(event, 'soon')
    } catch (error) {
      // The trail must not stop the assistant; the failure goes to the local log.
      this.log('could not write the activity trail', error)
    }
  }

  /** The badge counts what waits for the person signed in now, nobody else's. */
  refreshBadge(): void {
    const principal = this.deps.accounts.user()?.principal
    const waiting = principal ? this.deps.ledger.inState('pending', 'outcome_unknown').filter((a) => a.principal === principal).length : 0
    this.deps.notifier.setBadge(waiting)
  }
}
