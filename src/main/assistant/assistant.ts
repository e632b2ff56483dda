// The assistant loop, in main. The model proposes; policy and the ledger decide what runs.
// There is no other path from a model to a write: every tool call goes through `handleToolCall`,
// and a write runs only from `runApproved`/`runAllowed` once its ledger entry says it may.
// Waiting for approval is state on disk (the ledger and the conversation's open step), never a
// promise held in memory, so a restart picks up exactly where things were.
import { randomUUID } from 'node:crypto'
import { streamText, tool, type ModelMessage, type ToolResultPart, type ToolSet } from 'ai'
import type { ActionView, Entry, SessionUser } from '../../shared/domain'
import type { AbilityCatalog } from '../abilities/catalog'
import type { Ability, AbilityContext, WriteAbility } from '../abilities/types'
import { checkAccess, type AccessRule } from '../access/access'
import { explain, SessionUnavailableError, type AccountService } from '../accounts/accounts'
import { DecisionRefusedError, toView, type ActionLedger, type ActionRecord } from '../actions/ledger'
import type { AuditLog } from '../audit/audit-log'
import { ConversationStore, summaryOf, upsertEntry, type ConversationRecord } from '../conversations/store'
import { CrmError, type CrmSession } from '../crm/types'
import type { EventSink } from '../ipc/events'
import type { Notifier } from '../notify/types'
import type { PolicyDecision } from '../policy/policy'
import { describeProviderError, isInterruptedFinish, StreamInterruptedError } from '../providers/errors'
import { ProviderNotReadyError, type ProviderService, type ResolvedModel } from '../providers/types'
import { systemPrompt } from './system-prompt'

const MAX_STEPS = 8
const STREAM_PUSH_MS = 50

export class AssistantError extends Error {
  constructor(
    readonly code: 'busy' | 'waiting' | 'not_signed_in' | 'not_allowed' | 'not_found' | 'wrong_user',
    message: string
  ) {
    super(message)
    this.name = 'AssistantError'
  }
}

export interface AssistantDeps {
  conversations: ConversationStore
  ledger: ActionLedger
  catalog: AbilityCatalog
  accounts: AccountService
  providers: ProviderService
  policyFor: (abilityName: string) => PolicyDecision
  accessRule: () => AccessRule | null
  audit: AuditLog
  notifier: Notifier
  events: EventSink
  clock: () => number
  /** Fault-injection points for the crash tests; a no-op in the app. */
  checkpoint?: (name: 'executing-on-disk' | 'crm-call-returned') => Promise<void>
}

type Provenance = { provider: string; model: string }

export class Assistant {
  private readonly running = new Map<string, AbortController>()
  private readonly locks = new Map<string, Promise<unknown>>()
  private readonly background = new Set<Promise<unknown>>()

  constructor(private readonly deps: AssistantDeps) {}

  // ─── Requests from the user ────────────────────────────────────────────────────────────

  createConversation(): ConversationRecord {
    const user = this.requireUser()
    const conversation = this.deps.conversations.create(user.id)
    this.deps.events.emit('conversation.changed', summaryOf(conversation))
    return conversation
  }

  async send(conversationId: string, text: string): Promise<void> {
    const user = this.requireUser()
    const conversation = this.ownConversation(conversationId, user)
    if (this.running.has(conversationId)) throw new AssistantError('busy', 'The assistant is still answering. Stop it first or wait.')
    if (conversation.openStep) {
      throw new AssistantError('waiting', 'An action in this conversation is waiting for your decision. Approve or decline it, or press Stop to cancel it.')
    }
    const entry: Entry = { kind: 'user', id: randomUUID(), at: this.deps.clock(), text }
    const updated = this.update(conversationId, (c) => {
      upsertEntry(c, entry)
      c.messages.push({ role: 'user', content: text })
      if (c.title === 'New conversation') c.title = text.length > 60 ? `${text.slice(0, 57)}…` : text
      c.status = 'running'
    })
    this.deps.events.emit('conversation.entry', { conversationId, entry })
    this.deps.events.emit('conversation.changed', summaryOf(updated))
    this.spawn(this.runModel(conversationId, user))
  }

  /** Stops a running answer, and cancels actions still waiting in this conversation (cancel means declined). */
  async stop(conversationId: string): Promise<void> {
    const user = this.requireUser()
    this.ownConversation(conversationId, user)
    this.running.get(conversationId)?.abort()
    await this.withLock(conversationId, async () => {
      for (const action of this.deps.ledger.forConversation(conversationId).filter((a) => a.state === 'pending')) {
        const cancelled = this.deps.ledger.transition(action.id, 'cancelled')
        this.auditAction(cancelled, 'cancelled', 'cancelled by the user')
        this.recordResult(cancelled.conversationId, cancelled.toolCallId, {
          type: 'execution-denied',
          reason: 'The user stopped the conversation before deciding. The action was cancelled and did not run. Do not retry it unless asked.'
        }, 'cancelled', 'Cancelled', { continueWhenComplete: false })
      }
      const conversation = this.deps.conversations.get(conversationId)
      if (conversation && !conversation.openStep && !this.running.has(conversationId)) this.setStatus(conversationId, 'idle')
      this.refreshBadge()
    })
  }

  /** After an error: re-runs approved actions that could not run, then asks the model again. */
  async retry(conversationId: string): Promise<void> {
    const user = this.requireUser()
    const conversation = this.ownConversation(conversationId, user)
    if (this.running.has(conversationId)) throw new AssistantError('busy', 'The assistant is still answering.')
    const approved = this.deps.ledger.forConversation(conversationId).filter((a) => a.state === 'approved')
    for (const action of approved) this.spawn(this.runApproved(action.id))
    if (approved.length === 0 && !conversation.openStep) {
      const last = conversation.messages.at(-1)
      if (last && last.role !== 'assistant') {
        this.setStatus(conversationId, 'running')
        this.spawn(this.runModel(conversationId, user))
      }
    }
  }

  async decide(input: { actionId: string; hash: string; decision: 'approve' | 'decline'; reason?: string }): Promise<ActionView> {
    const user = this.requireUser()
    const access = checkAccess(user, this.deps.accessRule())
    if (!access.allowed) throw new AssistantError('not_allowed', access.reason ?? 'You may not use the assistant.')
    const existing = this.deps.ledger.get(input.actionId)
    if (!existing) throw new DecisionRefusedError('not_found', 'This action no longer exists.')
    return this.withLock(existing.conversationId, async () => {
      let action: ActionRecord
      try {
        action = this.deps.ledger.decide({ id: input.actionId, hash: input.hash, decision: input.decision, userId: user.id, reason: input.reason })
      } catch (error) {
        const current = this.deps.ledger.get(input.actionId)
        if (current) this.auditAction(current, 'refused', error instanceof Error ? error.message : String(error))
        if (current?.state === 'expired') this.closeExpired(current)
        throw error
      }
      this.auditAction(action, 'decided', action.state)
      this.refreshBadge()
      if (action.state === 'declined') {
        const reason = action.declineReason ? ` Their reason: "${action.declineReason}".` : ''
        this.recordResult(action.conversationId, action.toolCallId, {
          type: 'execution-denied',
          reason: `The user declined this action; it did not run.${reason} Do not propose the same action again.`
        }, 'declined', `Declined${action.declineReason ? `: ${action.declineReason}` : ''}`)
      } else {
        this.spawn(this.runApproved(action.id))
      }
      return toView(action)
    })
  }

  /** For an action whose outcome is unknown: the user says it happened, or asks to run it again. */
  async settle(input: { actionId: string; hash: string; resolution: 'mark_done' | 'run_again' }): Promise<ActionView> {
    const user = this.requireUser()
    const action = this.deps.ledger.get(input.actionId)
    if (!action) throw new DecisionRefusedError('not_found', 'This action no longer exists.')
    if (action.hash !== input.hash) throw new DecisionRefusedError('hash_mismatch', 'This does not match the card that was shown.')
    if (action.userId !== user.id) throw new DecisionRefusedError('wrong_user', `Only ${action.userName} can settle this action.`)
    if (action.state !== 'outcome_unknown') throw new DecisionRefusedError('not_pending', `This action is ${action.state.replace('_', ' ')}.`)
    return this.withLock(action.conversationId, async () => {
      if (input.resolution === 'mark_done') {
        const done = this.deps.ledger.transition(action.id, 'succeeded', { resultSummary: 'Marked as done by you.' })
        this.auditAction(done, 'settled', 'marked done')
        this.recordResult(done.conversationId, done.toolCallId, { type: 'json', value: { status: 'done', summary: 'The user confirmed this action happened.' } }, 'done', 'Marked as done')
        this.refreshBadge()
        return toView(done)
      }
      this.auditAction(action, 'settled', 'run again')
      this.spawn(this.execute(action.id))
      return toView(action)
    })
  }

  // ─── Start-up and housekeeping ─────────────────────────────────────────────────────────

  /**
   * Settles what a crash or restart left behind, for the signed-in user: `executing` actions are
   * reconciled by idempotency key (never re-run blindly), approved ones run, interrupted answers
   * become retryable errors.
   */
  async recover(): Promise<void> {
    const user = this.deps.accounts.user()
    this.sweep()
    for (const conversation of this.deps.conversations.list()) {
      if (conversation.status === 'running' && !this.running.has(conversation.id)) {
        this.addNotice(conversation.id, 'The answer was interrupted (the app closed or crashed). Nothing that needed approval ran without it.', true)
        this.setStatus(conversation.id, 'error')
      }
    }
    if (!user) return
    for (const action of this.deps.ledger.inState('executing').filter((a) => a.userId === user.id)) {
      await this.withLock(action.conversationId, () => this.reconcile(action))
    }
    for (const action of this.deps.ledger.inState('approved').filter((a) => a.userId === user.id)) {
      await this.runApproved(action.id)
    }
    this.refreshBadge()
  }

  sweep(): void {
    for (const expired of this.deps.ledger.sweepExpired()) {
      this.auditAction(expired, 'expired', 'expired')
      this.closeExpired(expired)
    }
    this.refreshBadge()
  }

  /** An expired action's tool call gets its answer, so the conversation is not left waiting forever. */
  private closeExpired(action: ActionRecord): void {
    this.recordResult(action.conversationId, action.toolCallId, {
      type: 'execution-denied',
      reason: 'The user did not decide in time: the action expired and did not run. Do not propose it again unless asked.'
    }, 'error', 'Expired without a decision; it did not run.', { continueWhenComplete: false })
    const conversation = this.deps.conversations.get(action.conversationId)
    if (conversation && !conversation.openStep && conversation.status === 'waiting') this.setStatus(action.conversationId, 'idle')
  }

  /** Resolves once nothing started by this service is still running (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.background.size > 0) await Promise.allSettled([...this.background])
  }

  waitingCount(): number {
    return this.deps.ledger.inState('pending', 'outcome_unknown').length
  }

  // ─── The model loop ────────────────────────────────────────────────────────────────────

  private async runModel(conversationId: string, user: SessionUser): Promise<void> {
    const controller = new AbortController()
    this.running.set(conversationId, controller)
    try {
      for (let step = 0; step < MAX_STEPS; step++) {
        const outcome = await this.modelStep(conversationId, user, controller.signal)
        if (outcome !== 'continue') return
      }
      this.addNotice(conversationId, `Stopped after ${MAX_STEPS} steps without a final answer. Ask again to continue.`, false)
      this.setStatus(conversationId, 'idle')
    } finally {
      if (this.running.get(conversationId) === controller) this.running.delete(conversationId)
    }
  }

  /** One call to the model and the handling of its tool calls. */
  private async modelStep(conversationId: string, user: SessionUser, signal: AbortSignal): Promise<'continue' | 'done'> {
    let resolved: ResolvedModel
    let session: CrmSession
    try {
      const access = checkAccess(user, this.deps.accessRule())
      if (!access.allowed) throw new AssistantError('not_allowed', access.reason ?? 'You may not use the assistant.')
      session = this.deps.accounts.sessionFor(user.id)
      resolved = await this.deps.providers.resolve(user.id)
    } catch (error) {
      const retryable = !(error instanceof ProviderNotReadyError) && !(error instanceof AssistantError)
      this.addNotice(conversationId, explain(error), retryable)
      this.setStatus(conversationId, 'error')
      return 'done'
    }
    const conversation = this.deps.conversations.get(conversationId)!
    this.setStatus(conversationId, 'running')

    const entryId = randomUUID()
    let text = ''
    let lastPush = 0
    const pushText = (streaming: boolean, force = false) => {
      const now = Date.now()
      if (!force && now - lastPush < STREAM_PUSH_MS) return
      lastPush = now
      const entry: Entry = { kind: 'assistant', id: entryId, at: this.deps.clock(), text, streaming }
      this.deps.conversations.updateInMemory(conversationId, (c) => upsertEntry(c, entry))
      this.deps.events.emit('conversation.entry', { conversationId, entry })
    }

    const calls: { toolCallId: string; toolName: string; input: unknown; invalid: boolean }[] = []
    let failure: unknown = null
    let streamError: unknown = null
    let finishReason: string | undefined
    let interrupted = false
    let responseMessages: ModelMessage[] = []
    try {
      const result = streamText({
        model: resolved.model,
        instructions: systemPrompt({ userName: user.name, today: new Date(this.deps.clock()).toISOString().slice(0, 10), backend: session.backend }),
        messages: conversation.messages,
        tools: this.toolSet(),
        abortSignal: signal,
        // No silent retries: a failure is shown at once with its reason (and any retry-after), and
        // the user retries from the same point.
        maxRetries: 0,
        // The SDK's default logs the whole failed request (prompt and CRM records); we report
        // failures ourselves, without data.
        onError: () => undefined
      })
      for await (const part of result.stream) {
        if (part.type === 'text-delta') {
          text += part.text
          pushText(true)
        } else if (part.type === 'tool-call') {
          calls.push({ toolCallId: part.toolCallId, toolName: part.toolName, input: part.input, invalid: Boolean((part as { invalid?: boolean }).invalid) })
        } else if (part.type === 'error') {
          streamError = part.error
        } else if (part.type === 'finish') {
          finishReason = part.finishReason
          // A stream cut mid-answer does not always raise: some providers just stop.
          interrupted = isInterruptedFinish(part.finishReason, part.rawFinishReason)
        }
      }
      if (!signal.aborted) responseMessages = (await result.response).messages
    } catch (error) {
      failure = error
    }

    if (signal.aborted) {
      text = text ? `${text}\n\n*(stopped)*` : '*(stopped)*'
      pushText(false, true)
      this.update(conversationId, (c) => {
        if (text) c.messages.push({ role: 'assistant', content: text })
        c.status = 'idle'
      })
      this.emitSummary(conversationId)
      return 'done'
    }

    // A provider error part, or a finish by error, means the answer cannot be trusted whole:
    // partial text or tool calls from such a step are not used.
    if (failure || interrupted || streamError || finishReason === 'error') {
      // The error part says what went wrong; a later "no output" from the SDK only echoes it.
      const cause = streamError ?? failure ?? new StreamInterruptedError()
      const described = describeProviderError(cause, { providerName: resolved.providerName, modelId: resolved.modelId })
      // Nothing from a failed step enters the history: retry asks the model again from the same point.
      this.update(conversationId, (c) => {
        c.entries = c.entries.filter((e) => e.id !== entryId)
        c.status = 'error'
      })
      this.addNotice(conversationId, described.message, described.retryable)
      this.emitSummary(conversationId)
      return 'done'
    }

    // Keep the model's own messages (they carry provider metadata a continuation needs); results
    // are ours: the SDK's error results for invalid calls are replaced by our clearer ones below.
    const assistantMessages = responseMessages.filter((m) => m.role === 'assistant')
    if (text) pushText(false, true)
    this.update(conversationId, (c) => {
      c.messages.push(...assistantMessages)
      if (!text) c.entries = c.entries.filter((e) => e.id !== entryId)
    })
    if (calls.length === 0) {
      this.setStatus(conversationId, 'idle')
      return 'done'
    }

    this.update(conversationId, (c) => {
      c.openStep = { calls: calls.map(({ toolCallId, toolName }) => ({ toolCallId, toolName })), results: {} }
    })
    const provenance = { provider: resolved.providerName, model: resolved.modelId }
    // Under the conversation's lock, so a decision cannot complete the step half-way and start a
    // second loop beside this one: decisions wait until every call of the step is handled.
    return this.withLock(conversationId, async () => {
      for (const call of calls) await this.handleToolCall(conversationId, user, session, call, provenance)
      if (this.deps.conversations.get(conversationId)!.openStep) {
        this.setStatus(conversationId, 'waiting')
        return 'done'
      }
      return 'continue'
    })
  }

  private toolSet(): ToolSet {
    const tools: ToolSet = {}
    for (const ability of this.deps.catalog.list()) {
      tools[ability.name] = tool({ description: ability.description, inputSchema: ability.inputSchema })
    }
    return tools
  }

  /** Every tool call, valid or not, ends here: it gets a result, or a ledger entry that waits. */
  private async handleToolCall(
    conversationId: string,
    user: SessionUser,
    session: CrmSession,
    call: { toolCallId: string; toolName: string; input: unknown; invalid: boolean },
    provenance: Provenance
  ): Promise<void> {
    const ability = this.deps.catalog.get(call.toolName)
    const entry: Entry = {
      kind: 'tool',
      id: `tool-${call.toolCallId}`,
      at: this.deps.clock(),
      toolCallId: call.toolCallId,
      ability: call.toolName,
      title: ability?.title ?? call.toolName,
      effect: ability?.effect ?? null,
      inputText: safeJson(call.input),
      status: 'running',
      resultText: null,
      actionId: null
    }
    this.putEntry(conversationId, entry)

    const error = (message: string) =>
      this.recordResult(conversationId, call.toolCallId, { type: 'error-text', value: message }, 'error', message, { continueWhenComplete: false })

    if (!ability) return error(`There is no tool named "${call.toolName}". Nothing was done. Use one of: ${this.deps.catalog.list().map((a) => a.name).join(', ')}.`)
    const parsed = ability.inputSchema.safeParse(call.input)
    if (!parsed.success || call.invalid) {
      const issues = parsed.success ? 'the arguments were not valid JSON' : parsed.error.issues.map((i) => `${i.path.join('.') || 'input'}: ${i.message}`).join('; ')
      return error(`Invalid input for ${ability.name}: ${issues}. Nothing was done.`)
    }
    const policy = this.deps.policyFor(ability.name)
    if (policy.decision === 'deny') return error(`Not allowed: ${policy.reason} Nothing was done.`)

    const ctx: AbilityContext = { session, now: new Date(this.deps.clock()) }
    if (ability.effect === 'read' && policy.decision === 'allow') {
      try {
        const { data, summary } = await ability.run(ctx, parsed.data)
        this.recordResult(conversationId, call.toolCallId, { type: 'json', value: toJsonValue(data) }, 'done', summary, { continueWhenComplete: false })
      } catch (e) {
        error(crmMessage(e))
      }
      return
    }

    let card
    let recordVersion: string | null
    try {
      ;({ card, recordVersion } = await describe(ability, ctx, parsed.data))
    } catch (e) {
      return error(crmMessage(e))
    }
    const action = this.deps.ledger.propose(
      {
        conversationId,
        toolCallId: call.toolCallId,
        ability: ability.name,
        abilityTitle: ability.title,
        input: parsed.data,
        recordVersion,
        card,
        userId: user.id,
        userName: user.name,
        ...provenance
      },
      policy.decision === 'allow' ? 'executing' : 'pending'
    )
    this.auditAction(action, 'proposed', `${action.state}: ${policy.reason}`)
    this.putEntry(conversationId, { ...entry, status: action.state === 'pending' ? 'waiting' : 'running', actionId: action.id })
    if (action.state === 'pending') {
      this.deps.notifier.actionWaiting({ actionId: action.id, conversationId, title: `Approval needed: ${ability.title}`, body: card.summary })
      this.refreshBadge()
    } else {
      await this.execute(action.id, { continueWhenComplete: false })
    }
  }

  // ─── Running an action ─────────────────────────────────────────────────────────────────

  /** Runs an approved action after re-checking everything that may have changed since the card. */
  private async runApproved(actionId: string): Promise<void> {
    const action = this.deps.ledger.get(actionId)
    if (!action) return
    await this.withLock(action.conversationId, async () => {
      const current = this.deps.ledger.get(actionId)!
      if (current.state !== 'approved') return
      await this.execute(actionId, { continueWhenComplete: true, locked: true })
    })
  }

  /**
   * approved | outcome_unknown (run again) | executing (fresh, allowed by policy) → outcome.
   * Access, policy and the record's version are checked again here, not only at proposal.
   */
  private async execute(actionId: string, options: { continueWhenComplete?: boolean; locked?: boolean } = {}): Promise<void> {
    const run = async () => {
      let action = this.deps.ledger.get(actionId)!
      const continueWhenComplete = options.continueWhenComplete ?? true
      const ability = this.deps.catalog.get(action.ability)
      const fail = (message: string) => {
        if (action.state === 'outcome_unknown') {
          // Not "failed": whether the first attempt happened is still unknown.
          this.auditAction(action, 'refused', 'run again refused', message)
          this.addNotice(action.conversationId, `Not run again: ${message} Whether the first attempt happened is still unknown; check the CRM and mark it done if it did.`, false)
          this.refreshBadge()
          return
        }
        const failed = this.deps.ledger.transition(action.id, 'failed', { error: message })
        this.auditAction(failed, 'executed', 'failed', message)
        this.recordResult(failed.conversationId, failed.toolCallId, { type: 'error-text', value: `The action failed and nothing was changed: ${message}` }, 'error', message, { continueWhenComplete })
      }

      const user = this.deps.accounts.user()
      const access = checkAccess(user, this.deps.accessRule())
      if (!access.allowed) return fail(access.reason ?? 'You may no longer use the assistant.')
      if (!ability) return fail(`The ability ${action.ability} no longer exists.`)
      const policy = this.deps.policyFor(ability.name)
      if (policy.decision === 'deny') return fail(policy.reason)
      const parsed = ability.inputSchema.safeParse(action.input)
      if (!parsed.success) return fail('The stored input is no longer valid for this ability.')

      let session: CrmSession
      try {
        session = this.deps.accounts.sessionFor(action.userId)
      } catch (e) {
        // Not signed in as this user: the action stays approved and runs when they are.
        this.addNotice(action.conversationId, `An approved action is waiting to run: ${explain(e)}`, true)
        return
      }
      const ctx: AbilityContext = { session, now: new Date(this.deps.clock()) }

      if (action.state === 'approved' || action.state === 'outcome_unknown') {
        // The card must still be true: a changed record voids the approval.
        let fresh
        try {
          fresh = await describe(ability, ctx, parsed.data)
        } catch (e) {
          if (e instanceof CrmError && transient(e)) {
            this.addNotice(action.conversationId, `${e.message} The approved action has not run yet; retry when the CRM is reachable.`, true)
            return
          }
          return fail(crmMessage(e))
        }
        if (fresh.recordVersion !== action.recordVersion && action.state === 'approved') {
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
            ? await ability.execute(ctx, parsed.data, { idempotencyKey: action.id, recordVersion: action.recordVersion })
            : await ability.run(ctx, parsed.data) // a read the user chose to confirm
      } catch (e) {
        if (e instanceof CrmError && e.code === 'conflict') {
          const fresh = await describe(ability, ctx, parsed.data).catch(() => null)
          if (fresh) return this.supersede(action, fresh)
          return fail(e.message)
        }
        if (e instanceof CrmError && !transient(e)) return fail(crmMessage(e))
        const unknown = this.deps.ledger.transition(action.id, 'outcome_unknown', {
          error: `${explain(e)} Countersign cannot tell whether the CRM applied it.`
        })
        this.auditAction(unknown, 'executed', 'outcome_unknown', explain(e))
        this.markToolEntry(unknown, 'waiting', 'Outcome unknown: check the CRM, then mark it done or run it again.')
        this.refreshBadge()
        return
      }
      await this.deps.checkpoint?.('crm-call-returned')
      const done = this.deps.ledger.transition(action.id, 'succeeded', { resultSummary: result.summary, error: null })
      this.auditAction(done, 'executed', 'succeeded', result.summary)
      this.refreshBadge()
      this.recordResult(done.conversationId, done.toolCallId, { type: 'json', value: toJsonValue({ status: 'done', ...result }) }, 'done', result.summary, { continueWhenComplete })
    }
    return options.locked || options.continueWhenComplete === false ? run() : this.withLock(this.deps.ledger.get(actionId)!.conversationId, run)
  }

  /** The record changed since the card: the old approval is void; a fresh card waits instead. */
  private supersede(action: ActionRecord, fresh: { card: ActionRecord['card']; recordVersion: string | null }): void {
    const next = this.deps.ledger.propose(
      {
        conversationId: action.conversationId,
        toolCallId: action.toolCallId,
        ability: action.ability,
        abilityTitle: action.abilityTitle,
        input: action.input,
        recordVersion: fresh.recordVersion,
        card: fresh.card,
        userId: action.userId,
        userName: action.userName,
        provider: action.provider,
        model: action.model
      },
      'pending'
    )
    const old = this.deps.ledger.transition(action.id, 'superseded', {
      supersededBy: next.id,
      error: 'The record changed after this card was shown, so this approval no longer applies. Check the new card.'
    })
    this.auditAction(old, 'superseded', `superseded by ${next.id}`)
    this.auditAction(next, 'proposed', 'pending: replaces a superseded card')
    const conversation = this.deps.conversations.get(action.conversationId)
    const entry = conversation?.entries.find((e) => e.kind === 'tool' && e.toolCallId === action.toolCallId)
    if (entry && entry.kind === 'tool') this.putEntry(action.conversationId, { ...entry, status: 'waiting', actionId: next.id })
    this.deps.notifier.actionWaiting({ actionId: next.id, conversationId: next.conversationId, title: `Approval needed again: ${next.abilityTitle}`, body: next.card.summary })
    this.setStatus(action.conversationId, 'waiting')
    this.refreshBadge()
  }

  /** After a crash with an action `executing`: ask the backend whether it happened. */
  private async reconcile(action: ActionRecord): Promise<void> {
    let session: CrmSession
    try {
      session = this.deps.accounts.sessionFor(action.userId)
    } catch {
      return
    }
    let answer
    try {
      answer = await session.reconcile(action.id)
    } catch {
      answer = { status: 'unknown' as const }
    }
    if (answer.status === 'applied') {
      const done = this.deps.ledger.transition(action.id, 'succeeded', { resultSummary: answer.result.summary })
      this.auditAction(done, 'reconciled', 'succeeded (applied before the restart)', answer.result.summary)
      this.recordResult(done.conversationId, done.toolCallId, { type: 'json', value: toJsonValue({ status: 'done', ...answer.result }) }, 'done', answer.result.summary, { continueWhenComplete: true })
    } else if (answer.status === 'not_applied') {
      // The backend confirms it never happened: running it now is its first and only run.
      this.auditAction(action, 'reconciled', 'not applied before the restart; running it now')
      await this.execute(action.id, { continueWhenComplete: true, locked: true })
    } else {
      const unknown = this.deps.ledger.transition(action.id, 'outcome_unknown', {
        error: 'Countersign closed while this action was running, and the CRM cannot tell whether it was applied.'
      })
      this.auditAction(unknown, 'reconciled', 'outcome_unknown')
      this.markToolEntry(unknown, 'waiting', 'Outcome unknown: check the CRM, then mark it done or run it again.')
    }
  }

  // ─── Results back into the conversation ───────────────────────────────────────────────

  /**
   * Stores one tool call's result. When every call of the step has one, the results go to the
   * model as one tool message and, when asked, the assistant continues from there.
   */
  private recordResult(
    conversationId: string,
    toolCallId: string,
    output: ToolResultPart['output'],
    status: Extract<Entry, { kind: 'tool' }>['status'],
    resultText: string,
    options: { continueWhenComplete?: boolean } = {}
  ): void {
    const conversation = this.deps.conversations.get(conversationId)
    if (!conversation?.openStep) return
    const call = conversation.openStep.calls.find((c) => c.toolCallId === toolCallId)
    if (!call || conversation.openStep.results[toolCallId]) return
    const entry = conversation.entries.find((e) => e.kind === 'tool' && e.toolCallId === toolCallId)
    let complete = false
    const updated = this.update(conversationId, (c) => {
      const step = c.openStep!
      step.results[toolCallId] = { type: 'tool-result', toolCallId, toolName: call.toolName, output }
      if (entry && entry.kind === 'tool') upsertEntry(c, { ...entry, status, resultText })
      if (step.calls.every((k) => step.results[k.toolCallId])) {
        c.messages.push({ role: 'tool', content: step.calls.map((k) => step.results[k.toolCallId]) })
        c.openStep = null
        complete = true
        c.status = options.continueWhenComplete === false ? c.status : 'running'
      }
    })
    const updatedEntry = updated.entries.find((e) => e.id === entry?.id)
    if (updatedEntry) this.deps.events.emit('conversation.entry', { conversationId, entry: updatedEntry })
    this.emitSummary(conversationId)
    if (complete && options.continueWhenComplete !== false) {
      const user = this.deps.accounts.user()
      if (user && user.id === updated.userId) this.spawn(this.runModel(conversationId, user))
      else this.setStatus(conversationId, 'idle')
    }
  }

  // ─── Small helpers ─────────────────────────────────────────────────────────────────────

  private requireUser(): SessionUser {
    const user = this.deps.accounts.user()
    if (!user) throw new AssistantError('not_signed_in', this.deps.accounts.sessionProblem() ?? 'Sign in to your CRM first.')
    const access = checkAccess(user, this.deps.accessRule())
    if (!access.allowed) throw new AssistantError('not_allowed', access.reason ?? 'You may not use the assistant.')
    return user
  }

  private ownConversation(conversationId: string, user: SessionUser): ConversationRecord {
    const conversation = this.deps.conversations.get(conversationId)
    if (!conversation) throw new AssistantError('not_found', 'No such conversation.')
    if (conversation.userId !== user.id) throw new AssistantError('wrong_user', 'This conversation belongs to another CRM user.')
    return conversation
  }

  private update(conversationId: string, change: (c: ConversationRecord) => void): ConversationRecord {
    return this.deps.conversations.update(conversationId, change)
  }

  private putEntry(conversationId: string, entry: Entry): void {
    this.update(conversationId, (c) => upsertEntry(c, entry))
    this.deps.events.emit('conversation.entry', { conversationId, entry })
  }

  private markToolEntry(action: ActionRecord, status: Extract<Entry, { kind: 'tool' }>['status'], resultText: string): void {
    const conversation = this.deps.conversations.get(action.conversationId)
    const entry = conversation?.entries.find((e) => e.kind === 'tool' && e.toolCallId === action.toolCallId)
    if (entry && entry.kind === 'tool' && entry.actionId === action.id) this.putEntry(action.conversationId, { ...entry, status, resultText })
  }

  private addNotice(conversationId: string, text: string, retryable: boolean): void {
    if (!this.deps.conversations.get(conversationId)) return
    this.putEntry(conversationId, { kind: 'notice', id: randomUUID(), at: this.deps.clock(), level: 'error', text, retryable })
  }

  private setStatus(conversationId: string, status: ConversationRecord['status']): void {
    const conversation = this.deps.conversations.get(conversationId)
    if (!conversation || conversation.status === status) return
    this.update(conversationId, (c) => {
      c.status = status
    })
    this.emitSummary(conversationId)
  }

  private emitSummary(conversationId: string): void {
    const conversation = this.deps.conversations.get(conversationId)
    if (conversation) this.deps.events.emit('conversation.changed', summaryOf(conversation))
  }

  private refreshBadge(): void {
    this.deps.notifier.setBadge(this.waitingCount())
  }

  private auditAction(action: ActionRecord, event: Parameters<AuditLog['append']>[0]['event'], outcome: string, detail?: string): void {
    this.deps.audit.append({
      at: this.deps.clock(),
      event,
      actionId: action.id,
      ability: action.ability,
      hash: action.hash,
      userId: action.userId,
      provider: action.provider,
      model: action.model,
      outcome,
      detail
    })
  }

  private async withLock<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const previous = this.locks.get(key) ?? Promise.resolve()
    const next = previous.catch(() => undefined).then(fn)
    this.locks.set(key, next)
    try {
      return await next
    } finally {
      if (this.locks.get(key) === next) this.locks.delete(key)
    }
  }

  private spawn(work: Promise<unknown>): void {
    const tracked = work.catch((error) => console.error('[assistant]', error instanceof Error ? error.message : error))
    this.background.add(tracked)
    void tracked.finally(() => this.background.delete(tracked))
  }
}

async function describe(ability: Ability<any>, ctx: AbilityContext, input: unknown) {
  if (ability.effect === 'write') return (ability as WriteAbility<any>).describe(ctx, input)
  // A read the user chose to confirm every time: the card lists what will be looked up.
  const inputs = Object.entries((input ?? {}) as Record<string, unknown>).map(([label, value]) => ({ label, value: safeJson(value) }))
  return { card: { summary: `${ability.title}${inputs.length ? ` (${inputs.map((i) => `${i.label}: ${i.value}`).join(', ')})` : ''}.`, detail: { kind: 'read' as const, inputs } }, recordVersion: null }
}

function transient(error: CrmError): boolean {
  return error.code === 'unavailable' || error.code === 'rate_limited' || error.code === 'session_expired'
}

function crmMessage(error: unknown): string {
  if (error instanceof CrmError) {
    switch (error.code) {
      case 'permission':
        return `The CRM refused: ${error.message}`
      case 'rate_limited':
        return `The CRM is rate limiting requests${error.retryAfterSeconds ? ` (retry in ${error.retryAfterSeconds} s)` : ''}: ${error.message}`
      default:
        return error.message
    }
  }
  if (error instanceof SessionUnavailableError) return error.message
  return error instanceof Error ? error.message : String(error)
}

function safeJson(value: unknown): string {
  if (typeof value === 'string') return value
  try {
    return JSON.stringify(value) ?? ''
  } catch {
    return String(value)
  }
}

function toJsonValue(value: unknown): import('@ai-sdk/provider').JSONValue {
  return JSON.parse(JSON.stringify(value ?? null))
}

