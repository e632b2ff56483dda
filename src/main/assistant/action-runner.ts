// Running an action: from approved (or allowed, or "run again") to its outcome. Everything that
// may have changed since the card was shown is checked again here, under the conversation's lock:
// who is signed in, whether they may still use the assistant, the policy, and the card itself
// (re-described from current data and hashed: any difference voids the approval).
import type { ActionCard, SignedInUser } from '../../shared/domain'
import type { Ability, AbilityContext, WriteAbility } from '../abilities/types'
import { checkAccess } from '../access/access'
import { describeCardChange } from '../actions/card-diff'
import { actionHash } from '../actions/hash'
import type { ActionRecord } from '../actions/ledger'
import { CrmError, type CrmSession } from '../crm/types'
import type { AssistantCore } from './core'
import type { ConversationUpdates } from './conversation-updates'
import type { Held } from './locks'
import { crmMessage, explain, isTransient } from './messages'
import { toolResults, withUserEdit, type ToolOutcome } from './tool-results'

export class ActionRunner {
  constructor(
    private readonly core: AssistantCore,
    private readonly updates: ConversationUpdates,
    /** Asks the model to go on once an action's result completed its step. */
    private readonly continueConversation: (conversationId: string) => void
  ) {}

  private get deps() {
    return this.core.deps
  }

  /** Takes the conversation's lock, then runs the action if it is still approved. */
  async runApproved(actionId: string): Promise<void> {
    const action = this.deps.ledger.get(actionId)
    if (!action) return
    await this.core.locks.run(action.conversationId, async (held) => {
      if (this.deps.ledger.get(actionId)?.state !== 'approved') return
      await this.executeLocked(held, actionId, { continueAfter: true })
    })
  }

  /**
   * approved | outcome_unknown (run again) | executing (fresh, allowed by policy) → outcome.
   * The caller holds the conversation's lock; `held` proves it.
   */
  async executeLocked(held: Held, actionId: string, options: { continueAfter: boolean }): Promise<void> {
    let action = this.deps.ledger.get(actionId)
    if (!action) return
    this.core.locks.assertHeld(held, action.conversationId)
    const startedAs = action.state
    if (startedAs !== 'approved' && startedAs !== 'outcome_unknown' && startedAs !== 'executing') return

    // A newer card for the same call already exists (a crash between superseding and the
    // proposal's replacement being recorded): this approval is void.
    const newer = startedAs === 'approved' ? this.newerCardFor(action) : undefined
    if (newer) {
      const old = this.deps.ledger.transition(action.id, 'superseded', { supersededBy: newer.id, error: 'A newer card replaced this one.' })
      this.core.audit(old, 'superseded', `superseded by ${newer.id}`)
      return
    }

    const fail = (message: string): void => {
      if (action!.state === 'outcome_unknown') {
        // Not "failed": whether the first attempt happened is still unknown.
        this.core.audit(action!, 'refused', 'run again refused', message)
        this.updates.addNotice(action!.conversationId, `Not run again: ${message} Whether the first attempt happened is still unknown; check the CRM and mark it done if it did.`, false)
        this.core.refreshBadge()
        return
      }
      const failed = this.deps.ledger.transition(action!.id, 'failed', { error: message })
      this.core.audit(failed, 'executed', 'failed', message)
      this.finish(failed, toolResults.failed(message), options.continueAfter)
    }

    // Only through a session of the principal that proposed it.
    let session: CrmSession
    try {
      session = this.deps.accounts.sessionFor(action.principal)
    } catch (e) {
      if (startedAs === 'executing') return fail(explain(e, this.core))
      // Not signed in as this principal: the action stays as it is and runs when they are.
      this.updates.addNotice(action.conversationId, `An approved action is waiting to run: ${explain(e, this.core)}`, true)
      return
    }
    const user = this.deps.accounts.user() as SignedInUser
    const access = checkAccess(user, this.deps.accessRule())
    if (!access.allowed) return fail(access.reason ?? 'You may no longer use the assistant.')
    const ability = this.deps.catalog.get(action.ability)
    if (!ability) return fail(`The ability ${action.ability} is no longer available.`)
    const policy = this.deps.policyFor(ability.name, user)
    if (policy.decision === 'deny') return fail(policy.reason)
    const parsed = ability.inputSchema.safeParse(action.input)
    if (!parsed.success) return fail('What was approved is no longer valid for this ability.')
    const ctx: AbilityContext = { session, now: new Date(this.deps.clock()) }

    if (startedAs === 'approved' || startedAs === 'outcome_unknown') {
      // The card must still be true: anything the effect would use that differs from what was
      // shown (a record edited, a recipient's address changed) voids the approval.
      let fresh
      try {
        fresh = await describe(ability, ctx, parsed.data)
      } catch (e) {
        if (e instanceof CrmError && isTransient(e)) {
          this.updates.addNotice(action.conversationId, `${e.message} The approved action has not run yet; retry when the CRM is reachable.`, true)
          return
        }
        return fail(crmMessage(e, this.core))
      }
      if (startedAs === 'approved' && actionHash(action.ability, action.input, fresh.recordVersion, fresh.card) !== action.hash) {
        return this.supersede(action, fresh)
      }
      action = this.deps.ledger.transition(action.id, 'executing')
    }

    // `executing` is on disk: from here a crash is reconciled, never blindly re-run.
    await this.deps.checkpoint?.('executing-on-disk')
    let result
    try {
      result =
        ability.effect === 'write'
          ? await ability.execute(ctx, parsed.data, { idempotencyKey: action.id, recordVersion: action.recordVersion, card: action.card })
          : await ability.run(ctx, parsed.data) // a read the user chose to confirm
    } catch (e) {
      if (e instanceof CrmError && e.code === 'conflict') {
        const fresh = await describe(ability, ctx, parsed.data).catch(() => null)
        if (fresh) return this.supersede(action, fresh)
        return fail(e.message)
      }
      if (e instanceof CrmError && !isTransient(e)) return fail(crmMessage(e, this.core))
      const unknown = this.deps.ledger.transition(action.id, 'outcome_unknown', {
        error: `${explain(e, this.core)} Countersign cannot tell whether the CRM applied it.`
      })
      this.core.audit(unknown, 'executed', 'outcome_unknown', explain(e, this.core))
      this.updates.markToolEntry(unknown, 'waiting', 'Outcome unknown: check the CRM, then mark it done or run it again.')
      this.core.refreshBadge()
      return
    }
    await this.deps.checkpoint?.('crm-call-returned')
    const done = this.deps.ledger.transition(action.id, 'succeeded', { resultSummary: result.summary, error: null })
    this.core.audit(done, 'executed', 'succeeded', result.summary)
    this.finish(done, toolResults.done(result), options.continueAfter)
  }

  /** The user says an action whose outcome was unknown did happen. Requires the lock. */
  markDoneLocked(held: Held, action: ActionRecord): ActionRecord {
    this.core.locks.assertHeld(held, action.conversationId)
    const done = this.deps.ledger.transition(action.id, 'succeeded', { resultSummary: 'Marked as done by you.' })
    this.core.audit(done, 'settled', 'marked done')
    this.finish(done, { ...toolResults.done({ summary: 'The user confirmed this action happened.' }), text: 'Marked as done' }, true)
    return done
  }

  /** After a crash with an action `executing`: ask the CRM whether it happened. Requires the lock. */
  async reconcileLocked(held: Held, action: ActionRecord): Promise<void> {
    this.core.locks.assertHeld(held, action.conversationId)
    let session: CrmSession
    try {
      session = this.deps.accounts.sessionFor(action.principal)
    } catch {
      return // reconciled when its principal signs in
    }
    let answer
    try {
      answer = await session.reconcile(action.id)
    } catch {
      answer = { status: 'unknown' as const }
    }
    if (answer.status === 'applied') {
      const done = this.deps.ledger.transition(action.id, 'succeeded', { resultSummary: answer.result.summary })
      this.core.audit(done, 'reconciled', 'succeeded (applied before the restart)', answer.result.summary)
      this.finish(done, toolResults.done(answer.result), true)
    } else if (answer.status === 'not_applied') {
      // The CRM confirms it never happened: running it now is its first and only run.
      this.core.audit(action, 'reconciled', 'not applied before the restart; running it now')
      await this.executeLocked(held, action.id, { continueAfter: true })
    } else {
      const unknown = this.deps.ledger.transition(action.id, 'outcome_unknown', {
        error: 'Countersign closed while this action was running, and the CRM cannot tell whether it was applied.'
      })
      this.core.audit(unknown, 'reconciled', 'outcome_unknown')
      this.updates.markToolEntry(unknown, 'waiting', 'Outcome unknown: check the CRM, then mark it done or run it again.')
    }
    this.core.refreshBadge()
  }

  /** Something changed since the card: the old approval is void; a fresh card waits instead. */
  private supersede(action: ActionRecord, fresh: { card: ActionCard; recordVersion: string | null }): void {
    // The replacement is on disk first: a crash in between leaves a newer card that voids the old one.
    const next = this.deps.ledger.propose(
      {
        conversationId: action.conversationId,
        toolCallId: action.toolCallId,
        ability: action.ability,
        abilityTitle: action.abilityTitle,
        input: action.input,
        recordVersion: fresh.recordVersion,
        card: fresh.card,
        principal: action.principal,
        userName: action.userName,
        provider: action.provider,
        model: action.model
      },
      'pending'
    )
    const old = this.deps.ledger.transition(action.id, 'superseded', {
      supersededBy: next.id,
      error: describeCardChange(action.card, fresh.card)
    })
    this.core.audit(old, 'superseded', `superseded by ${next.id}`)
    this.core.audit(next, 'proposed', 'pending: replaces a superseded card')
    const conversation = this.deps.conversations.get(action.conversationId)
    const entry = conversation?.entries.find((e) => e.kind === 'tool' && e.toolCallId === action.toolCallId)
    if (entry && entry.kind === 'tool') this.updates.putEntry(action.conversationId, { ...entry, status: 'waiting', actionId: next.id })
    this.deps.notifier.actionWaiting({ actionId: next.id, conversationId: next.conversationId, title: `Approval needed again: ${next.abilityTitle}`, body: next.card.summary })
    this.updates.setStatus(action.conversationId, 'waiting')
    this.core.refreshBadge()
  }

  private newerCardFor(action: ActionRecord): ActionRecord | undefined {
    return this.deps.ledger
      .forConversation(action.conversationId)
      .find((a) => a.id !== action.id && a.toolCallId === action.toolCallId && a.createdAt >= action.createdAt && a.state === 'pending')
  }

  /** The outcome goes back to the model; when it completes the step, the assistant may go on. */
  private finish(action: ActionRecord, outcome: ToolOutcome, continueAfter: boolean): void {
    this.core.refreshBadge()
    const told = withUserEdit(outcome, action)
    const recorded = this.updates.recordResult(action.conversationId, action.toolCallId, told.output, told.status, told.text, { thenRunning: continueAfter })
    if (recorded === 'complete' && continueAfter) this.continueConversation(action.conversationId)
  }
}

/** The card for a write, or for a read the user chose to confirm: what it will look up. */
export async function describe(ability: Ability<any>, ctx: AbilityContext, input: unknown): Promise<{ card: ActionCard; recordVersion: string | null }> {
  if (ability.effect === 'write') return (ability as WriteAbility<any>).describe(ctx, input)
  const inputs = Object.entries((input ?? {}) as Record<string, unknown>).map(([label, value]) => ({ label, value: safeJson(value) }))
  return { card: { summary: `${ability.title}${inputs.length ? ` (${inputs.map((i) => `${i.label}: ${i.value}`).join(', ')})` : ''}.`, detail: { kind: 'read' as const, inputs } }, recordVersion: null }
}

export function safeJson(value: unknown): string {
  if (typeof value === 'string') return value
  try {
    return JSON.stringify(value) ?? ''
  } catch {
    return String(value)
  }
}
