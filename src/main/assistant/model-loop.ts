// The model loop: ask the model, stream its answer into the conversation, and hand its tool calls
// to the gate. A step that ends on an approval card simply ends: waiting is state on disk (the
// ledger and the conversation's open step), never a promise held here.
import { randomUUID } from 'node:crypto'
import { streamText, tool, zodSchema, type ModelMessage, type ToolSet } from 'ai'
import type { Entry, SignedInUser, TokenUsage } from '../../shared/domain'
import { checkAccess } from '../access/access'
import { requestIdOf } from '../activity/request-id'
import type { StepEvent } from '../audit/entries'
import type { CrmSession } from '../crm/types'
import { AssistantError, ProviderNotReadyError } from '../errors'
import { describeProviderError, isInterruptedFinish, StreamInterruptedError } from '../providers/errors'
import type { ResolvedModel } from '../providers/types'
import { tokenUsageOf } from '../providers/usage'
import { upsertEntry } from '../conversations/store'
import type { AssistantCore } from './core'
import type { ConversationUpdates } from './conversation-updates'
import { explain } from './messages'
import { systemPrompt } from './system-prompt'
import type { ToolCall, ToolGate } from './tool-gate'

const MAX_STEPS = 8
const STREAM_PUSH_MS = 50

export class ModelLoop {
  constructor(
    private readonly core: AssistantCore,
    private readonly updates: ConversationUpdates,
    private readonly gate: ToolGate
  ) {}

  private get deps() {
    return this.core.deps
  }

  /** Runs model steps until an answer, a card that waits, an error, Stop, or the step limit. */
  async run(conversationId: string, user: SignedInUser): Promise<void> {
    const controller = new AbortController()
    this.core.running.set(conversationId, controller)
    // Tokens of steps that showed no text (only tool calls) go onto the next answer shown.
    const carry: { usage?: TokenUsage } = {}
    try {
      for (let step = 0; step < MAX_STEPS; step++) {
        const outcome = await this.step(conversationId, user, controller.signal, carry)
        if (outcome !== 'continue') return
      }
      this.updates.addNotice(conversationId, `Stopped after ${MAX_STEPS} steps without a final answer. Ask again to continue.`, false)
      this.updates.setStatus(conversationId, 'idle')
    } finally {
      if (this.core.running.get(conversationId) === controller) this.core.running.delete(conversationId)
    }
  }

  /** One call to the model and the handling of its tool calls. */
  private async step(conversationId: string, user: SignedInUser, signal: AbortSignal, carry: { usage?: TokenUsage }): Promise<'continue' | 'done'> {
    let resolved: ResolvedModel
    let session: CrmSession
    try {
      const access = checkAccess(user, this.deps.accessRule())
      if (!access.allowed) throw new AssistantError('not_allowed', access.reason ?? 'You may not use the assistant.')
      session = this.deps.accounts.sessionFor(user.principal)
      resolved = await this.deps.providers.resolve(user.principal, this.deps.providers.conversationProfile(conversationId))
    } catch (error) {
      // Not ready (no consent yet, key missing): Retry works once the user has fixed it in Settings.
      const retryable = error instanceof ProviderNotReadyError || !(error instanceof AssistantError)
      this.updates.addNotice(conversationId, explain(error, this.core), retryable)
      this.updates.setStatus(conversationId, 'error')
      return 'done'
    }
    const conversation = this.deps.conversations.get(conversationId)!
    this.updates.setStatus(conversationId, 'running')

    const entryId = randomUUID()
    let text = ''
    let lastPush = 0
    let usage: TokenUsage | undefined
    const pushText = (streaming: boolean, force = false) => {
      const now = Date.now()
      if (!force && now - lastPush < STREAM_PUSH_MS) return
      lastPush = now
      const shown = streaming ? undefined : addUsage(carry.usage, usage)
      const entry: Entry = { kind: 'assistant', id: entryId, at: this.deps.clock(), text, streaming, ...(shown ? { usage: shown } : {}) }
      const updated = this.deps.conversations.updateInMemory(conversationId, (c) => upsertEntry(c, entry))
      this.updates.pushEntry(updated, entry)
    }

    const calls: ToolCall[] = []
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
          usage = tokenUsageOf(part.totalUsage)
          // A stream cut mid-answer does not always raise: some providers just stop.
          interrupted = isInterruptedFinish(part.finishReason, part.rawFinishReason)
        }
      }
      if (!signal.aborted) responseMessages = (await result.response).messages
    } catch (error) {
      failure = error
    }

    // One line per call to the model in the activity trail: which model, its tokens and cost, how it ended.
    const recordStep = (outcome: StepEvent['outcome'], extra: { answer?: string; detail?: string } = {}) =>
      this.core.activity({
        at: this.deps.clock(),
        event: 'step',
        principal: user.principal,
        conversationId,
        requestId: requestIdOf(conversation),
        providerKind: resolved.provider,
        provider: resolved.providerName,
        model: resolved.modelId,
        ...(usage ? { inputTokens: usage.inputTokens, outputTokens: usage.outputTokens } : {}),
        ...(() => {
          const cost = this.deps.costOf?.(user.principal, resolved.provider, resolved.modelId, usage)
          return cost === undefined ? {} : { costUsd: cost }
        })(),
        outcome,
        ...(extra.answer ? { answer: extra.answer } : {}),
        ...(extra.detail ? { detail: extra.detail } : {})
      })

    if (signal.aborted) {
      recordStep('stopped', { answer: text || undefined })
      // The partial answer stays on screen, but the model is not told it said it: the user may
      // keep it (conversations.keepStopped), otherwise the history goes on from their message.
      const entry: Entry = { kind: 'assistant', id: entryId, at: this.deps.clock(), text: text ? `${text}\n\n*(stopped)*` : '*(stopped)*', streaming: false, stopped: text ? 'unused' : undefined }
      const updated = this.updates.update(conversationId, (c) => {
        upsertEntry(c, entry)
        c.status = 'idle'
      })
      this.updates.pushEntry(updated, entry)
      this.updates.emitSummary(conversationId)
      return 'done'
    }

    // A provider error part, or a finish by error, means the answer cannot be trusted whole:
    // partial text or tool calls from such a step are not used.
    if (failure || interrupted || streamError || finishReason === 'error') {
      // The error part says what went wrong; a later "no output" from the SDK only echoes it.
      const cause = streamError ?? failure ?? new StreamInterruptedError()
      const described = describeProviderError(cause, { providerName: resolved.providerName, modelId: resolved.modelId })
      recordStep('failed', { detail: described.message })
      // Nothing from a failed step enters the history: retry asks the model again from the same point.
      this.updates.update(conversationId, (c) => {
        c.entries = c.entries.filter((e) => e.id !== entryId)
        c.status = 'error'
      })
      // The partial answer goes from the screen too, not only from the history.
      if (text) this.deps.events.emit('conversation.entryRemoved', { conversationId, entryId }, conversation.principal)
      this.updates.addNotice(conversationId, described.message, described.retryable, described.retryAfterSeconds)
      this.updates.emitSummary(conversationId)
      return 'done'
    }

    // Keep the model's own messages (they carry provider metadata a continuation needs); results
    // are ours: the SDK's error results for invalid calls are replaced by our clearer ones.
    const assistantMessages = responseMessages.filter((m) => m.role === 'assistant')
    recordStep(calls.length > 0 ? 'tools' : 'answered', { answer: text || undefined })
    if (text) {
      pushText(false, true)
      carry.usage = undefined
    } else {
      carry.usage = addUsage(carry.usage, usage)
    }
    this.updates.update(conversationId, (c) => {
      c.messages.push(...assistantMessages)
      if (!text) c.entries = c.entries.filter((e) => e.id !== entryId)
      if (calls.length > 0) c.openStep = { calls: calls.map(({ toolCallId, toolName }) => ({ toolCallId, toolName })), results: {} }
    })
    if (calls.length === 0) {
      this.updates.setStatus(conversationId, 'idle')
      return 'done'
    }

    const provenance = { provider: resolved.providerName, model: resolved.modelId }
    // Under the conversation's lock, so a decision cannot complete the step half-way and start a
    // second loop beside this one: decisions wait until every call of the step is handled.
    return this.core.locks.run(conversationId, async (held) => {
      for (const call of calls) await this.gate.handle(held, conversationId, user, session, call, provenance)
      if (this.deps.conversations.get(conversationId)!.openStep) {
        this.updates.setStatus(conversationId, 'waiting')
        return 'done'
      }
      return 'continue'
    })
  }

  /**
   * The tools offered to the model: the abilities an administrator has not switched off. Built
   * again only when that list changes, so each step does not convert every schema anew.
   */
  private toolSet(): ToolSet {
    const abilities = this.deps.catalog.list()
    const key = abilities.map((a) => a.name).join('\n')
    if (this.tools?.key === key) return this.tools.set
    const set: ToolSet = {}
    // zodSchema() converts to JSON Schema once and keeps it; a bare zod schema is converted per call.
    for (const ability of abilities) set[ability.name] = tool({ description: ability.description, inputSchema: zodSchema(ability.inputSchema) })
    this.tools = { key, set }
    return set
  }

  private tools: { key: string; set: ToolSet } | null = null
}

function addUsage(a: TokenUsage | undefined, b: TokenUsage | undefined): TokenUsage | undefined {
  if (!a) return b
  if (!b) return a
  return { inputTokens: a.inputTokens + b.inputTokens, outputTokens: a.outputTokens + b.outputTokens }
}
