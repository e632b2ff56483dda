// What a crash, a restart or the passing of time leaves behind, settled so the user can always go
// on: expired actions answer their tool call, interrupted answers become retryable errors, a step
// whose proposal never reached the disk is closed, `executing` actions are reconciled with the CRM
// (never re-run blindly), and approved actions run.
import type { ActionRecord } from '../actions/ledger'
import { upsertEntry } from '../conversations/store'
import type { ConversationRecord } from '../conversations/store'
import type { ActionRunner } from './action-runner'
import type { AssistantCore } from './core'
import type { ConversationUpdates } from './conversation-updates'
import { outcomeOf, toolResults } from './tool-results'

const LIVE_STATES = new Set(['pending', 'approved', 'executing', 'outcome_unknown'])

/** How long before expiry a waiting action is brought up again. */
export const REMIND_BEFORE_MS = 2 * 3_600_000

export class Recovery {
  private readonly reminded = new Set<string>()

  constructor(
    private readonly core: AssistantCore,
    private readonly updates: ConversationUpdates,
    private readonly runner: ActionRunner
  ) {}

  private get deps() {
    return this.core.deps
  }

  /** At start-up and after each sign-in. Conversations are fixed for everyone; actions run only for the signed-in principal. */
  async recover(): Promise<void> {
    this.sweep()
    for (const conversation of this.deps.conversations.list()) {
      if (this.core.running.has(conversation.id)) continue
      await this.core.locks.run(conversation.id, async () => this.unstick(conversation.id))
    }
    const principal = this.deps.accounts.user()?.principal
    if (!principal) return
    for (const action of this.deps.ledger.inState('executing').filter((a) => a.principal === principal)) {
      await this.core.locks.run(action.conversationId, async (held) => {
        const current = this.deps.ledger.get(action.id)
        if (current?.state === 'executing') await this.runner.reconcileLocked(held, current)
      })
    }
    for (const action of this.deps.ledger.inState('approved').filter((a) => a.principal === principal)) {
      await this.runner.runApproved(action.id)
    }
    this.core.refreshBadge()
  }

  /**
   * Leaves a conversation in a state the user can act on. An answer cut by a crash becomes a
   * retryable error; calls of an open step with no live action on disk (the app stopped between
   * the model's answer and the proposal's write) get a result saying so.
   */
  unstick(conversationId: string): void {
    const conversation = this.deps.conversations.get(conversationId)
    if (!conversation) return
    // "Running" with no answer in progress in this process: a crash cut it (Stop's own abort is
    // still winding down when Stop calls this, and says so itself).
    if (conversation.status === 'running' && !this.core.running.has(conversationId)) {
      this.updates.addNotice(conversationId, 'The answer was interrupted (the app closed or crashed). Nothing that needed approval ran without it.', true)
      this.updates.setStatus(conversationId, 'error')
    }
    const orphaned = this.orphanedCalls(conversation)
    for (const { toolCallId, settled } of orphaned) {
      // A settled action whose result did not reach the conversation before the crash: its outcome.
      const result = settled ? outcomeOf(settled) : toolResults.interrupted()
      this.updates.recordResult(conversationId, toolCallId, result.output, result.status, result.text, { thenRunning: false })
    }
    this.reattachLiveActions(conversationId)
    this.showLiveActions(conversationId)
    const after = this.deps.conversations.get(conversationId)!
    if (orphaned.length > 0) this.updates.setStatus(conversationId, after.openStep ? 'waiting' : 'error')
    if (!after.openStep && after.status === 'waiting') this.updates.setStatus(conversationId, 'idle')
    // What is left open has a card to decide or settle: the conversation waits for it (Retry could not help).
    if (after.openStep && after.status !== 'waiting') this.updates.setStatus(conversationId, 'waiting')
  }

  /**
   * A crash between a proposal's write and its tool entry's update leaves the entry "running" with
   * no action: point each open call's entry at its live action, waiting, as the card is.
   */
  private showLiveActions(conversationId: string): void {
    const conversation = this.deps.conversations.get(conversationId)
    const step = conversation?.openStep
    if (!conversation || !step) return
    const actions = this.deps.ledger.forConversation(conversationId)
    for (const call of step.calls.filter((k) => !step.results[k.toolCallId])) {
      const live = actions.filter((a) => a.toolCallId === call.toolCallId && LIVE_STATES.has(a.state)).at(-1)
      const entry = conversation.entries.find((e) => e.kind === 'tool' && e.toolCallId === call.toolCallId)
      if (!live || !entry || entry.kind !== 'tool') continue
      if (entry.actionId !== live.id || entry.status !== 'waiting') this.updates.putEntry(conversationId, { ...entry, status: 'waiting', actionId: live.id })
    }
  }

  /**
   * The ledger is on disk before the conversation's record of the step that led to it (the
   * conversation commits at the end of the turn). A crash in between leaves a live card whose call
   * the conversation does not know: the call, the step and the card's entry are put back, so
   * deciding it reaches the conversation and the model as if nothing had happened.
   */
  private reattachLiveActions(conversationId: string): void {
    const conversation = this.deps.conversations.get(conversationId)
    if (!conversation) return
    // Only actions still in play: start-up must not read every settled action to find them.
    const inPlay = this.deps.ledger.inState('pending', 'approved', 'executing', 'outcome_unknown').filter((a) => a.conversationId === conversationId)
    if (inPlay.length === 0) return
    const answered = new Set(
      conversation.messages.flatMap((m) => (m.role === 'tool' && Array.isArray(m.content) ? m.content.map((p) => (p as { toolCallId?: string }).toolCallId ?? '') : []))
    )
    const called = new Set(
      conversation.messages.flatMap((m) => (m.role === 'assistant' && Array.isArray(m.content) ? m.content.flatMap((p) => (p.type === 'tool-call' ? [p.toolCallId] : [])) : []))
    )
    const open = new Set(conversation.openStep?.calls.map((c) => c.toolCallId) ?? [])
    const lost = inPlay.filter((a) => !open.has(a.toolCallId) && !answered.has(a.toolCallId)).sort((a, b) => a.createdAt - b.createdAt)
    if (lost.length === 0) return
    this.updates.update(conversationId, (c) => {
      const missing = lost.filter((a) => !called.has(a.toolCallId))
      if (missing.length > 0) {
        c.messages.push({ role: 'assistant', content: missing.map((a) => ({ type: 'tool-call' as const, toolCallId: a.toolCallId, toolName: a.ability, input: a.input })) })
      }
      const step = c.openStep ?? { calls: [], results: {} }
      c.openStep = { ...step, calls: [...step.calls, ...lost.map((a) => ({ toolCallId: a.toolCallId, toolName: a.ability }))] }
      for (const a of lost) {
        if (c.entries.some((e) => e.kind === 'tool' && e.toolCallId === a.toolCallId)) continue
        upsertEntry(c, {
          kind: 'tool',
          id: `tool-${a.toolCallId}`,
          at: a.createdAt,
          toolCallId: a.toolCallId,
          ability: a.ability,
          title: a.abilityTitle,
          effect: 'write',
          inputText: JSON.stringify(a.input),
          status: 'waiting',
          resultText: null,
          actionId: a.id
        })
      }
      c.status = 'waiting'
    })
    this.updates.emitSummary(conversationId)
  }

  /** Expires every pending action past its time; its tool call gets its answer. */
  sweep(): void {
    this.remindSoonExpiring()
    for (const expired of this.deps.ledger.sweepExpired()) {
      this.core.audit(expired, 'expired', 'expired')
      this.closeExpired(expired)
    }
    this.core.refreshBadge()
  }

  /**
   * Once per action, when about two hours are left to decide it, the person signed in is reminded
   * (OS notification in the desktop app). Remembered for this run; a restart may remind once more.
   */
  private remindSoonExpiring(): void {
    const principal = this.deps.accounts.user()?.principal
    if (!principal) return
    const now = this.deps.clock()
    for (const action of this.deps.ledger.inState('pending')) {
      const left = action.expiresAt - now
      if (action.principal !== principal || left <= 0 || left > REMIND_BEFORE_MS || this.reminded.has(action.id)) continue
      this.reminded.add(action.id)
      const minutes = Math.max(1, Math.round(left / 60_000))
      const when = minutes >= 90 ? 'About two hours' : minutes >= 60 ? 'About an hour' : `${minutes} minutes`
      this.deps.notifier.actionWaiting({ actionId: action.id, conversationId: action.conversationId, title: `${when} left to decide: ${action.abilityTitle}`, body: action.card.summary })
    }
  }

  /** An expired action's tool call gets its answer, so the conversation is not left waiting forever. */
  closeExpired(action: ActionRecord): void {
    const result = toolResults.expired()
    this.updates.recordResult(action.conversationId, action.toolCallId, result.output, result.status, result.text, { thenRunning: false })
    const conversation = this.deps.conversations.get(action.conversationId)
    if (conversation && !conversation.openStep && conversation.status === 'waiting') this.updates.setStatus(action.conversationId, 'idle')
  }

  /** Calls of the open step without a result and without a live action: nothing will ever answer them. */
  private orphanedCalls(conversation: ConversationRecord): { toolCallId: string; settled: ActionRecord | null }[] {
    if (!conversation.openStep) return []
    const step = conversation.openStep
    const actions = this.deps.ledger.forConversation(conversation.id)
    return step.calls
      .filter((call) => !step.results[call.toolCallId])
      .flatMap((call) => {
        const mine = actions.filter((a) => a.toolCallId === call.toolCallId)
        if (mine.some((a) => LIVE_STATES.has(a.state))) return []
        const latest = mine.sort((a, b) => b.createdAt - a.createdAt)[0] ?? null
        return [{ toolCallId: call.toolCallId, settled: latest }]
      })
  }
}
