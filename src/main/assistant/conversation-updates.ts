// Everything the assistant writes into a conversation: entries the user sees, the status, and
// tool results the model will read. Each change is on disk before it is pushed, and pushed only to
// the principal the conversation belongs to.
import { randomUUID } from 'node:crypto'
import type { ToolResultPart } from 'ai'
import type { Entry } from '../../shared/domain'
import type { ActionRecord } from '../actions/ledger'
import { summaryOf, upsertEntry, type ConversationRecord } from '../conversations/store'
import type { AssistantCore } from './core'

export type ToolStatus = Extract<Entry, { kind: 'tool' }>['status']

export class ConversationUpdates {
  constructor(private readonly core: AssistantCore) {}

  private get deps() {
    return this.core.deps
  }

  update(conversationId: string, change: (c: ConversationRecord) => void): ConversationRecord {
    return this.deps.conversations.update(conversationId, change)
  }

  putEntry(conversationId: string, entry: Entry): void {
    const updated = this.update(conversationId, (c) => upsertEntry(c, entry))
    this.pushEntry(updated, entry)
  }

  pushEntry(conversation: ConversationRecord, entry: Entry): void {
    this.deps.events.emit('conversation.entry', { conversationId: conversation.id, entry }, conversation.principal)
  }

  /** Updates the tool entry of an action's call, if the conversation still shows that action. */
  markToolEntry(action: ActionRecord, status: ToolStatus, resultText: string): void {
    const conversation = this.deps.conversations.get(action.conversationId)
    const entry = conversation?.entries.find((e) => e.kind === 'tool' && e.toolCallId === action.toolCallId)
    if (entry && entry.kind === 'tool' && entry.actionId === action.id) this.putEntry(action.conversationId, { ...entry, status, resultText })
  }

  /** An error notice; `retryAfterSeconds` (from a provider's rate limit) makes Retry count down. */
  addNotice(conversationId: string, text: string, retryable: boolean, retryAfterSeconds?: number): void {
    if (!this.deps.conversations.get(conversationId)) return
    this.putEntry(conversationId, {
      kind: 'notice',
      id: randomUUID(),
      at: this.deps.clock(),
      level: 'error',
      text,
      retryable,
      ...(retryable && retryAfterSeconds !== undefined ? { retryAfterSeconds } : {})
    })
  }

  setStatus(conversationId: string, status: ConversationRecord['status']): void {
    const conversation = this.deps.conversations.get(conversationId)
    if (!conversation || conversation.status === status) return
    this.update(conversationId, (c) => {
      c.status = status
    })
    this.emitSummary(conversationId)
  }

  emitSummary(conversationId: string): void {
    const conversation = this.deps.conversations.get(conversationId)
    if (conversation) this.deps.events.emit('conversation.changed', summaryOf(conversation), conversation.principal)
  }

  /**
   * Stores one tool call's result. When every call of the open step has one, the results go to the
   * model as one tool message; the caller decides whether the assistant continues from there.
   * Returns 'complete' when this result closed the step.
   */
  recordResult(
    conversationId: string,
    toolCallId: string,
    output: ToolResultPart['output'],
    status: ToolStatus,
    resultText: string,
    options: { thenRunning: boolean }
  ): 'complete' | 'recorded' | 'ignored' {
    const conversation = this.deps.conversations.get(conversationId)
    if (!conversation?.openStep) return 'ignored'
    const call = conversation.openStep.calls.find((c) => c.toolCallId === toolCallId)
    if (!call || conversation.openStep.results[toolCallId]) return 'ignored'
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
        if (options.thenRunning) c.status = 'running'
      }
    })
    const updatedEntry = updated.entries.find((e) => e.id === entry?.id)
    if (updatedEntry) this.pushEntry(updated, updatedEntry)
    this.emitSummary(conversationId)
    return complete ? 'complete' : 'recorded'
  }
}
