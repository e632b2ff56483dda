// The assistant's commands: what the user can ask of it. Each one checks who asks, then takes the
// conversation's lock and re-reads the state inside it before acting, so a double click, two
// windows or a decision racing the model loop is refused with a clear message, never run twice.
//
// The parts: model-loop.ts (asks the model), tool-gate.ts (every tool call: validation, policy,
// the card), action-runner.ts (running an action once), conversation-updates.ts (what is written
// to a conversation), recovery.ts (what a crash or time leaves behind), locks.ts.
import { randomUUID } from 'node:crypto'
import type { ActionView, Entry, SignedInUser } from '../../shared/domain'
import { checkAccess } from '../access/access'
import { toView, type ActionRecord } from '../actions/ledger'
import { summaryOf, upsertEntry, type ConversationRecord } from '../conversations/store'
import { AssistantError, DecisionRefusedError, stateMessage } from '../errors'
import { findUnsafeText } from '../abilities/safe-text'
import { describeInputEdit } from '../actions/input-edit'
import { ActionRunner, describe } from './action-runner'
import { crmMessage } from './messages'
import { AssistantCore, type AssistantDeps } from './core'
import { ConversationUpdates } from './conversation-updates'
import type { Held } from './locks'
import { ModelLoop } from './model-loop'
import { Recovery } from './recovery'
import { ToolGate } from './tool-gate'
import { toolResults, withUserEdit } from './tool-results'

export { AssistantError } from '../errors'
export type { AssistantDeps } from './core'

export class Assistant {
  private readonly core: AssistantCore
  private readonly updates: ConversationUpdates
  private readonly runner: ActionRunner
  private readonly loop: ModelLoop
  private readonly recovery: Recovery
  private readonly gate: ToolGate

  constructor(deps: AssistantDeps) {
    this.core = new AssistantCore(deps)
    this.updates = new ConversationUpdates(this.core)
    this.runner = new ActionRunner(this.core, this.updates, (conversationId) => this.continueConversation(conversationId))
    this.gate = new ToolGate(this.core, this.updates, this.runner)
    this.loop = new ModelLoop(this.core, this.updates, this.gate)
    this.recovery = new Recovery(this.core, this.updates, this.runner)
  }

  private get deps() {
    return this.core.deps
  }

  // ─── Conversations ─────────────────────────────────────────────────────────────────────

  createConversation(): ConversationRecord {
    const user = this.requireUser()
    const conversation = this.deps.conversations.create(user.principal)
    this.deps.events.emit('conversation.changed', summaryOf(conversation), user.principal)
    return conversation
  }

  async send(conversationId: string, text: string): Promise<void> {
    const user = this.requireUser()
    this.ownConversation(conversationId, user)
    await this.core.locks.run(conversationId, async () => {
      const conversation = this.ownConversation(conversationId, user)
      if (this.core.running.has(conversationId) || conversation.status === 'running') {
        throw new AssistantError('busy', 'The assistant is still answering. Stop it first or wait.')
      }
      if (conversation.openStep) {
        throw new AssistantError('waiting', 'An action in this conversation is waiting for your decision. Approve or decline it, or press Stop to cancel it.')
      }
      const entry: Entry = { kind: 'user', id: randomUUID(), at: this.deps.clock(), text }
      const updated = this.updates.update(conversationId, (c) => {
        upsertEntry(c, entry)
        c.messages.push({ role: 'user', content: text })
        if (c.title === 'New conversation') c.title = text.length > 60 ? `${text.slice(0, 57)}…` : text
        c.status = 'running'
      })
      // The person's own words are on disk before the reply says they were sent.
      this.deps.conversations.flush()
      this.updates.pushEntry(updated, entry)
      this.core.activity({ at: entry.at, event: 'request', principal: user.principal, conversationId, requestId: entry.id, text })
      this.updates.emitSummary(conversationId)
      this.core.spawn(this.loop.run(conversationId, user))
    })
  }

  /**
   * Stops a running answer and cancels actions still waiting in this conversation (cancel means
   * declined). Whatever state a crash left, the conversation is usable afterwards.
   */
  async stop(conversationId: string): Promise<void> {
    const user = this.requireUser()
    this.ownConversation(conversationId, user)
    this.core.running.get(conversationId)?.abort()
    await this.core.locks.run(conversationId, async () => {
      for (const action of this.deps.ledger.forConversation(conversationId).filter((a) => a.state === 'pending')) {
        const cancelled = this.deps.ledger.transition(action.id, 'cancelled')
        this.core.audit(cancelled, 'cancelled', 'cancelled by the user')
        const result = toolResults.cancelled()
        this.updates.recordResult(conversationId, cancelled.toolCallId, result.output, result.status, result.text, { thenRunning: false })
      }
      this.recovery.unstick(conversationId)
      const conversation = this.deps.conversations.get(conversationId)
      if (conversation && !conversation.openStep && !this.core.running.has(conversationId)) this.updates.setStatus(conversationId, 'idle')
      this.core.refreshBadge()
    })
  }

  /** After an error: re-runs approved actions that could not run, then asks the model again. */
  async retry(conversationId: string): Promise<void> {
    const user = this.requireUser()
    this.ownConversation(conversationId, user)
    if (this.core.running.has(conversationId)) throw new AssistantError('busy', 'The assistant is still answering.')
    const approved = this.deps.ledger.forConversation(conversationId).filter((a) => a.state === 'approved')
    for (const action of approved) this.core.spawn(this.runner.runApproved(action.id))
    if (approved.length > 0) return
    await this.core.locks.run(conversationId, async () => {
      this.recovery.unstick(conversationId)
      const conversation = this.ownConversation(conversationId, user)
      if (this.core.running.has(conversationId) || conversation.openStep) return
      const last = conversation.messages.at(-1)
      if (last && last.role !== 'assistant') {
        this.updates.setStatus(conversationId, 'running')
        this.core.spawn(this.loop.run(conversationId, user))
      } else {
        this.updates.setStatus(conversationId, 'idle')
      }
    })
  }

  /**
   * Keeps a stopped answer: its partial text joins the history the model reads, marked as cut
   * off, as long as the conversation has not moved on since (no later message).
   */
  async keepStopped(conversationId: string, entryId: string): Promise<void> {
    const user = this.requireUser()
    this.ownConversation(conversationId, user)
    await this.core.locks.run(conversationId, async () => {
      const conversation = this.ownConversation(conversationId, user)
      const index = conversation.entries.findIndex((e) => e.id === entryId)
      const entry = conversation.entries[index]
      if (!entry || entry.kind !== 'assistant' || entry.stopped !== 'unused') throw new AssistantError('not_found', 'There is no stopped answer to keep here.')
      if (this.core.running.has(conversationId) || conversation.openStep || conversation.entries.slice(index + 1).some((e) => e.kind === 'user' || e.kind === 'assistant')) {
        throw new AssistantError('busy', 'Too late to keep that answer: the conversation has moved on since.')
      }
      const partial = entry.text.replace(/\n\n\*\(stopped\)\*$/, '')
      const kept: Entry = { ...entry, stopped: 'kept' }
      const updated = this.updates.update(conversationId, (c) => {
        upsertEntry(c, kept)
        c.messages.push({ role: 'assistant', content: `${partial}\n\n[The user stopped this answer here and kept it as it was.]` })
      })
      this.updates.pushEntry(updated, kept)
    })
  }

  /** Runs `fn` under the conversation's lock, refused while an answer is being written. */
  async whileIdle<T>(conversationId: string, fn: () => Promise<T>): Promise<T> {
    return this.core.locks.run(conversationId, async () => {
      if (this.core.running.has(conversationId)) throw new AssistantError('busy', 'Stop the answer being written first.')
      return fn()
    })
  }

  // ─── Decisions ─────────────────────────────────────────────────────────────────────────

  async decide(input: { actionId: string; hash: string; decision: 'approve' | 'decline'; reason?: string }): Promise<ActionView> {
    const user = this.requireUser()
    const conversationId = this.conversationOf(input.actionId)
    return this.core.locks.run(conversationId, async () => {
      let action: ActionRecord
      try {
        action = this.deps.ledger.decide({ id: input.actionId, hash: input.hash, decision: input.decision, principal: user.principal, reason: input.reason })
      } catch (error) {
        const current = this.deps.ledger.get(input.actionId)
        if (current) this.core.audit(current, 'refused', error instanceof Error ? error.message : String(error))
        if (current?.state === 'expired') this.recovery.closeExpired(current)
        throw error
      }
      this.core.audit(action, 'decided', action.state)
      this.core.refreshBadge()
      if (action.state === 'declined') {
        const result = withUserEdit(toolResults.declined(action.declineReason), action)
        const recorded = this.updates.recordResult(action.conversationId, action.toolCallId, result.output, result.status, result.text, { thenRunning: true })
        if (recorded === 'complete') this.continueConversation(action.conversationId)
      } else {
        // Runs once this decision's lock is released; runApproved re-reads the state under the lock.
        this.core.spawn(this.runner.runApproved(action.id))
      }
      return toView(action)
    })
  }

  /**
   * The person edits a waiting proposal before deciding it. The edit is checked like a proposal
   * (the ability's schema, safe text, the policy, and a card built from current data); it becomes a
   * new card with a new hash, the edited one is replaced, and the model is told what changed when
   * the outcome reaches it.
   */
  async edit(input: { actionId: string; hash: string; input: Record<string, unknown> }): Promise<ActionView> {
    const user = this.requireUser()
    const conversationId = this.conversationOf(input.actionId)
    return this.core.locks.run(conversationId, async () => {
      const old = this.deps.ledger.get(input.actionId)!
      if (old.hash !== input.hash) throw new DecisionRefusedError('hash_mismatch', 'This does not match the card that was shown. Nothing was changed.')
      if (old.principal !== user.principal) throw new DecisionRefusedError('wrong_user', `Only ${old.userName} can edit this action.`)
      if (old.state !== 'pending') throw new DecisionRefusedError('not_pending', stateMessage(old.state))
      if (this.deps.ledger.isExpired(old)) throw new DecisionRefusedError('expired', 'This action has expired; ask for it again instead.')
      const ability = this.deps.catalog.get(old.ability)
      if (!ability || ability.effect !== 'write') throw new AssistantError('not_allowed', 'This card cannot be edited.')
      const parsed = ability.inputSchema.safeParse(input.input)
      if (!parsed.success) {
        throw new AssistantError('invalid_input', `That edit cannot be used: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'input'}: ${i.message}`).join('; ')}.`)
      }
      const unsafe = findUnsafeText(parsed.data, ability.multilineFields ?? [])
      if (unsafe.length > 0) throw new AssistantError('invalid_input', `That edit cannot be shown exactly as it would be used: ${unsafe.join('; ')}.`)
      const policy = this.deps.policyFor(ability.name, user)
      if (policy.decision === 'deny') throw new DecisionRefusedError('not_allowed', policy.reason)
      const session = this.deps.accounts.sessionFor(user.principal)
      let proposal
      try {
        proposal = await describe(ability, { session, now: new Date(this.deps.clock()) }, parsed.data)
      } catch (e) {
        throw new AssistantError('invalid_input', `That edit cannot be used: ${crmMessage(e, this.core)}`)
      }
      const userEdit = describeInputEdit(old.input, parsed.data)
      if (!userEdit) throw new AssistantError('invalid_input', 'Nothing was changed in the edit.')
      const next = this.deps.ledger.propose(
        {
          conversationId,
          toolCallId: old.toolCallId,
          ability: old.ability,
          abilityTitle: old.abilityTitle,
          input: parsed.data,
          recordVersion: proposal.recordVersion,
          card: proposal.card,
          principal: old.principal,
          userName: old.userName,
          provider: old.provider,
          model: old.model,
          userEdit: old.userEdit ? `${old.userEdit}; then ${userEdit}` : userEdit
        },
        'pending'
      )
      const replaced = this.deps.ledger.transition(old.id, 'superseded', { supersededBy: next.id, error: `You edited this card (${userEdit}); the edited version is the new card below.` })
      this.core.audit(replaced, 'superseded', `edited by the user: replaced by ${next.id}`)
      this.core.audit(next, 'proposed', `pending: the user's edit of ${old.id}`)
      const conversation = this.deps.conversations.get(conversationId)
      const entry = conversation?.entries.find((e) => e.kind === 'tool' && e.toolCallId === old.toolCallId)
      if (entry && entry.kind === 'tool') this.updates.putEntry(conversationId, { ...entry, status: 'waiting', actionId: next.id })
      this.core.refreshBadge()
      return toView(next)
    })
  }

  /**
   * "Ask again" for an action that expired without a decision: the same proposal goes through the
   * gate afresh (validation, policy, a card built from current data, a new hash) as a new step of
   * the conversation, so deciding it continues the conversation like any card.
   */
  async askAgain(actionId: string): Promise<ActionView> {
    const user = this.requireUser()
    const conversationId = this.conversationOf(actionId)
    return this.core.locks.run(conversationId, async (held) => {
      const old = this.deps.ledger.get(actionId)!
      if (old.principal !== user.principal) throw new DecisionRefusedError('wrong_user', `Only ${old.userName} can ask for this again.`)
      if (old.state !== 'expired') throw new DecisionRefusedError('not_pending', 'Only an action that expired without a decision can be asked again.')
      const conversation = this.ownConversation(conversationId, user)
      if (this.core.running.has(conversationId) || conversation.status === 'running' || conversation.openStep) {
        throw new AssistantError('busy', 'Finish what this conversation is doing first (decide its card, or press Stop), then ask again.')
      }
      const session = this.deps.accounts.sessionFor(user.principal)
      const toolCallId = `again-${randomUUID()}`
      const request: Entry = { kind: 'user', id: randomUUID(), at: this.deps.clock(), text: `Ask again: ${old.abilityTitle}` }
      const updated = this.updates.update(conversationId, (c) => {
        upsertEntry(c, request)
        // What the model will read: the user's request, then the call it made before, made again.
        c.messages.push({ role: 'user', content: `The earlier request expired without a decision. Propose it again: ${old.card.summary}` })
        c.messages.push({ role: 'assistant', content: [{ type: 'tool-call', toolCallId, toolName: old.ability, input: old.input }] })
        c.openStep = { calls: [{ toolCallId, toolName: old.ability }], results: {} }
      })
      this.updates.pushEntry(updated, request)
      await this.gate.handle(held, conversationId, user, session, { toolCallId, toolName: old.ability, input: old.input, invalid: false }, { provider: old.provider, model: old.model })
      const fresh = this.deps.ledger.forConversation(conversationId).find((a) => a.toolCallId === toolCallId)
      if (this.deps.conversations.get(conversationId)!.openStep) this.updates.setStatus(conversationId, 'waiting')
      else this.continueConversation(conversationId) // refused at once: the model explains
      if (!fresh) throw new AssistantError('not_allowed', 'It could not be proposed again; the conversation says why.')
      return toView(fresh)
    })
  }

  /**
   * For an action whose outcome is unknown: the user says it happened, or asks to run it again.
   * Checked and carried out under the conversation's lock: of two quick clicks, the second finds
   * the action already settled and is refused.
   */
  async settle(input: { actionId: string; hash: string; resolution: 'mark_done' | 'run_again' }): Promise<ActionView> {
    const user = this.requireUser()
    const conversationId = this.conversationOf(input.actionId)
    return this.core.locks.run(conversationId, async (held) => {
      const action = this.checkSettlement(held, input, user)
      if (input.resolution === 'mark_done') {
        const done = this.runner.markDoneLocked(held, action)
        this.core.refreshBadge()
        return toView(done)
      }
      this.core.audit(action, 'settled', 'run again')
      await this.runner.executeLocked(held, action.id, { continueAfter: true })
      return toView(this.deps.ledger.get(action.id)!)
    })
  }

  private checkSettlement(held: Held, input: { actionId: string; hash: string }, user: SignedInUser): ActionRecord {
    const action = this.deps.ledger.get(input.actionId)
    this.core.locks.assertHeld(held, action?.conversationId ?? '')
    if (!action) throw new DecisionRefusedError('not_found', 'This action no longer exists.')
    if (action.hash !== input.hash) throw new DecisionRefusedError('hash_mismatch', 'This does not match the card that was shown. Nothing was done.')
    if (action.principal !== user.principal) throw new DecisionRefusedError('wrong_user', `Only ${action.userName} can settle this action.`)
    if (action.state !== 'outcome_unknown') throw new DecisionRefusedError('not_pending', stateMessage(action.state))
    return action
  }

  // ─── Start-up and housekeeping ─────────────────────────────────────────────────────────

  recover(): Promise<void> {
    return this.recovery.recover()
  }

  sweep(): void {
    this.recovery.sweep()
  }

  idle(): Promise<void> {
    return this.core.idle()
  }

  /** What waits for the signed-in person: the badge and the tray. */
  waitingCount(): number {
    const principal = this.deps.accounts.user()?.principal
    return principal ? this.deps.ledger.inState('pending', 'outcome_unknown').filter((a) => a.principal === principal).length : 0
  }

  // ─── Small helpers ─────────────────────────────────────────────────────────────────────

  /** A step completed by a result: the model goes on, if its principal is the one signed in. */
  private continueConversation(conversationId: string): void {
    const conversation = this.deps.conversations.get(conversationId)
    const user = this.deps.accounts.user()
    if (conversation && user && user.principal === conversation.principal && checkAccess(user, this.deps.accessRule()).allowed) {
      this.core.spawn(this.loop.run(conversationId, user))
    } else {
      this.updates.setStatus(conversationId, 'idle')
    }
  }

  private conversationOf(actionId: string): string {
    const action = this.deps.ledger.get(actionId)
    if (!action) throw new DecisionRefusedError('not_found', 'This action no longer exists.')
    return action.conversationId
  }

  private requireUser(): SignedInUser {
    const user = this.deps.accounts.user()
    if (!user) throw new AssistantError('not_signed_in', this.deps.accounts.sessionProblem() ?? 'Sign in to your CRM first.')
    const access = checkAccess(user, this.deps.accessRule())
    if (!access.allowed) throw new AssistantError('not_allowed', access.reason ?? 'You may not use the assistant.')
    return user
  }

  private ownConversation(conversationId: string, user: SignedInUser): ConversationRecord {
    const conversation = this.deps.conversations.get(conversationId)
    if (!conversation || conversation.principal !== user.principal) throw new AssistantError('not_found', 'No such conversation.')
    return conversation
  }
}
