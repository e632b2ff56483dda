// The Activity screen's view of the audit log: entries folded into requests (what was asked, each
// model step, each tool call) with the writes they proposed and every outcome those had. Built
// from the log once, on first use, then kept current from each append; rebuilt when archiving
// rewrote the file. Everything is kept per principal: a query only ever walks the asker's own.
import type { ActivityFilters, ActivityItem, ActivityRead, ActivityWrite, UsageTotals } from '../../shared/activity'
import type { ActionState } from '../../shared/domain'
import type { AuditLog } from '../audit/audit-log'
import { isActionEvent, type AuditEvent, type LoggedEntry, type StepEvent, type ToolEvent } from '../audit/entries'

interface Step {
  provider: string
  model: string
  inputTokens?: number
  outputTokens?: number
  costUsd?: number
  outcome: StepEvent['outcome']
}

interface Item {
  id: string
  kind: 'request' | 'action'
  principal: string
  at: number
  conversationId: string | null
  question: string | null
  answers: string[]
  steps: Step[]
  reads: ActivityRead[]
  writes: ActivityWrite[]
  hidden: boolean
  /** Lower-cased text the search looks in; rebuilt when the item changes. */
  haystack: string | null
}

export interface Page {
  items: ActivityItem[]
  nextCursor: string | null
  total: UsageTotals
  months: (UsageTotals & { month: string })[]
}

export class ActivityIndex {
  private built = false
  private generation = -1
  private readonly items = new Map<string, Item>()
  private readonly byPrincipal = new Map<string, Item[]>()
  private readonly unsorted = new Set<string>()
  private readonly writes = new Map<string, { write: ActivityWrite; item: Item; principal: string }>()
  /** conversationId|toolCallId → the request whose tool call it was. */
  private readonly calls = new Map<string, Item>()
  /** conversationId|toolCallId → actions whose lines came before their call's, on a placeholder until it comes. */
  private readonly awaitingCall = new Map<string, string[]>()
  /** A read of the log under way (warm), and what was appended since it took its copy. */
  private build: Generator<void, void> | null = null
  private appendedDuringBuild: LoggedEntry[] = []

  constructor(private readonly audit: AuditLog) {
    audit.onAppend((entry) => {
      if (this.build) this.appendedDuringBuild.push(entry)
      else if (this.isCurrent()) this.add(entry)
    })
  }

  private isCurrent(): boolean {
    return this.built && this.generation === this.audit.generation
  }

  /** Reads the whole log when it has not been read yet (or was rewritten since); finishes a read under way. */
  ensure(): void {
    if (this.isCurrent()) return
    if (!this.build || this.generation !== this.audit.generation) this.build = this.reading()
    const build = this.build
    while (!build.next().done) {
      // every slice at once: someone is waiting for the index
    }
  }

  /**
   * Reads the log a slice at a time, with `pause` between slices, so a long log is read after
   * start-up without holding up the app. A query meanwhile finishes the read at once (ensure).
   */
  async warm(pause: () => Promise<unknown>, stopped: () => boolean = () => false): Promise<void> {
    if (this.isCurrent()) return
    if (!this.build) this.build = this.reading()
    const build = this.build
    while (this.build === build && !stopped()) {
      if (build.next().done) return
      await pause()
    }
  }

  private *reading(): Generator<void, void> {
    this.built = false
    this.items.clear()
    this.byPrincipal.clear()
    this.unsorted.clear()
    this.writes.clear()
    this.calls.clear()
    this.awaitingCall.clear()
    this.appendedDuringBuild = []
    const generation = (this.generation = this.audit.generation)
    try {
      for (const slice of this.audit.readInSlices()) {
        for (const entry of slice) this.add(entry)
        yield
        // Archiving rewrote the file meanwhile: this copy is stale, and the next query reads again.
        if (this.audit.generation !== generation) return
      }
      for (const entry of this.appendedDuringBuild) this.add(entry)
      this.built = true
    } finally {
      this.appendedDuringBuild = []
      this.build = null
    }
  }

  private add(entry: LoggedEntry): void {
    if (!entry.principal) return // the log's own housekeeping belongs to no one
    if (isActionEvent(entry)) return this.addActionEvent(entry)
    if (entry.event === 'request') {
      const item = this.item(entry.requestId, 'request', entry.principal, entry.at, entry.conversationId)
      if (!item) return
      item.question = entry.text
      this.touch(item)
    } else if (entry.event === 'step') {
      const item = this.item(entry.requestId, 'request', entry.principal, entry.at, entry.conversationId)
      if (!item) return
      item.steps.push({ provider: entry.provider, model: entry.model, inputTokens: entry.inputTokens, outputTokens: entry.outputTokens, costUsd: entry.costUsd, outcome: entry.outcome })
      if (entry.answer) item.answers.push(entry.answer)
      this.touch(item)
    } else if (entry.event === 'tool') {
      this.addTool(entry)
    }
  }

  private addTool(entry: ToolEvent): void {
    const item = this.item(entry.requestId, 'request', entry.principal, entry.at, entry.conversationId)
    if (!item) return
    const key = `${entry.conversationId}|${entry.toolCallId}`
    this.calls.set(key, item)
    if (entry.outcome === 'proposed' && entry.actionId) {
      const known = this.writes.get(entry.actionId)
      const write = known?.write ?? this.newWrite(entry.actionId, entry.ability, entry.at, entry.toolCallId)
      write.summary = entry.summary ?? write.summary
      write.records = entry.records
      write.toolCallId = entry.toolCallId
      if (!known) this.writes.set(entry.actionId, { write, item, principal: entry.principal })
      this.attach(entry.actionId, item)
      // Writes seen before their call (the action's line comes first) move from their placeholder.
      const early = this.awaitingCall.get(key)
      if (early) {
        this.awaitingCall.delete(key)
        for (const actionId of early) if (this.writes.get(actionId)?.item.kind === 'action') this.attach(actionId, item)
      }
    } else {
      item.reads.push({
        toolCallId: entry.toolCallId,
        at: entry.at,
        ability: entry.ability,
        effect: entry.effect,
        outcome: entry.outcome === 'returned' ? 'returned' : 'refused',
        summary: entry.summary ?? null,
        detail: entry.detail ?? null,
        records: entry.records,
        moreRecords: entry.moreRecords ?? 0
      })
    }
    this.touch(item)
  }

  private addActionEvent(e: AuditEvent): void {
    let known = this.writes.get(e.actionId)
    if (!known) {
      const write = this.newWrite(e.actionId, e.ability, e.at, e.toolCallId ?? null)
      const key = e.conversationId && e.toolCallId ? `${e.conversationId}|${e.toolCallId}` : null
      const request = key ? this.calls.get(key) : undefined
      // A placeholder until (or unless) the request it belongs to is known: actions from before the trail.
      const item = request && request.principal === e.principal ? request : this.item(`action:${e.actionId}`, 'action', e.principal, e.at, e.conversationId ?? null)
      if (!item) return
      known = { write, item, principal: e.principal }
      this.writes.set(e.actionId, known)
      item.writes.push(write)
      if (key && item.kind === 'action') this.awaitingCall.set(key, [...(this.awaitingCall.get(key) ?? []), e.actionId])
    }
    if (known.principal !== e.principal) return // a line naming someone else's action is not theirs to see
    const w = known.write
    const state = e.state ?? stateOf(e)
    if (state) w.outcome = state
    w.history.push({ at: e.at, event: e.event, outcome: e.outcome, detail: e.detail ?? null })
    if (e.event === 'decided' || (e.event === 'recovered' && (state === 'approved' || state === 'declined'))) {
      w.decidedAt = e.at
      w.decidedBy = e.userName ?? null
      if (e.reason) w.declineReason = e.reason
    }
    if ((e.event === 'executed' || e.event === 'reconciled') && e.detail) w.result = e.detail
    if (e.event === 'reconciled') w.settled = e.outcome
    if (e.event === 'settled') w.settled = e.outcome
    if (e.event === 'superseded') w.result = e.outcome
    this.touch(known.item)
  }

  private newWrite(actionId: string, ability: string, at: number, toolCallId: string | null): ActivityWrite {
    return { actionId, toolCallId, at, ability, summary: null, records: [], outcome: 'pending', decidedBy: null, decidedAt: null, declineReason: null, result: null, settled: null, history: [] }
  }

  /** Moves a write onto the request it belongs to (from a placeholder, which then disappears if empty). */
  private attach(actionId: string, item: Item): void {
    const known = this.writes.get(actionId)
    if (!known || known.principal !== item.principal) return
    if (known.item !== item) {
      const from = known.item
      from.writes = from.writes.filter((w) => w !== known.write)
      if (from.kind === 'action' && from.writes.length === 0) from.hidden = true
      this.touch(from)
      known.item = item
    }
    if (!item.writes.includes(known.write)) item.writes.push(known.write)
  }

  private item(id: string, kind: Item['kind'], principal: string, at: number, conversationId: string | null): Item | null {
    const existing = this.items.get(id)
    if (existing) return existing.principal === principal ? existing : null
    const item: Item = { id, kind, principal, at, conversationId, question: null, answers: [], steps: [], reads: [], writes: [], hidden: false, haystack: null }
    this.items.set(id, item)
    const list = this.byPrincipal.get(principal) ?? []
    if (list.length && list[list.length - 1].at > at) this.unsorted.add(principal)
    list.push(item)
    this.byPrincipal.set(principal, list)
    return item
  }

  private touch(item: Item): void {
    item.haystack = null
  }

  /** This principal's items, newest first, that match the filters. */
  private *matching(principal: string, filters: ActivityFilters): Generator<Item> {
    this.ensure()
    const list = this.byPrincipal.get(principal)
    if (!list) return
    if (this.unsorted.delete(principal)) list.sort((a, b) => a.at - b.at || (a.id < b.id ? -1 : 1))
    const text = filters.text?.trim().toLowerCase()
    for (let i = list.length - 1; i >= 0; i--) {
      const item = list[i]
      if (item.hidden) continue
      if (filters.from !== undefined && item.at < filters.from) continue
      if (filters.to !== undefined && item.at >= filters.to) continue
      if (filters.conversationId && item.conversationId !== filters.conversationId) continue
      if (filters.ability && !item.reads.some((r) => r.ability === filters.ability) && !item.writes.some((w) => w.ability === filters.ability)) continue
      if (filters.record && !touches(item, filters.record)) continue
      if (filters.outcome && !hasOutcome(item, filters.outcome)) continue
      if (text && !haystackOf(item).includes(text)) continue
      yield item
    }
  }

  /** One page, newest first, after `cursor`; totals and months over everything that matches. */
  query(principal: string, filters: ActivityFilters, options: { cursor?: string | null; limit: number; titleOf: (conversationId: string) => string | null }): Page {
    const total = emptyTotals()
    const months = new Map<string, UsageTotals>()
    const items: ActivityItem[] = []
    let passedCursor = !options.cursor
    let nextCursor: string | null = null
    for (const item of this.matching(principal, filters)) {
      const usage = usageOf(item)
      addTotals(total, usage)
      const month = monthOf(item.at)
      addTotals(months.get(month) ?? months.set(month, emptyTotals()).get(month)!, usage)
      if (!passedCursor) {
        if (cursorOf(item) === options.cursor) passedCursor = true
        continue
      }
      if (items.length < options.limit) items.push(toView(item, options.titleOf))
      else nextCursor ??= cursorOf(items[items.length - 1])
    }
    return { items, nextCursor, total, months: [...months.entries()].map(([month, t]) => ({ month, ...t })) }
  }

  /** Every matching item, newest first (for export). */
  all(principal: string, filters: ActivityFilters, titleOf: (conversationId: string) => string | null): ActivityItem[] {
    return [...this.matching(principal, filters)].map((item) => toView(item, titleOf))
  }
}

function cursorOf(item: { at: number; id: string }): string {
  return `${item.at}:${item.id}`
}

function stateOf(e: AuditEvent): ActionState | null {
  if (e.event === 'expired' || e.event === 'superseded' || e.event === 'cancelled') return e.event
  if (e.event === 'proposed') return 'pending'
  const word = e.outcome.split(/[\s:(]/)[0]
  return ['succeeded', 'failed', 'outcome_unknown', 'approved', 'declined'].includes(word) ? (word as ActionState) : null
}

function touches(item: Item, record: string): boolean {
  const is = (r: { type: string; id: string }) => `${r.type}:${r.id}` === record
  return item.reads.some((r) => r.records.some(is)) || item.writes.some((w) => w.records.some(is))
}

function hasOutcome(item: Item, outcome: NonNullable<ActivityFilters['outcome']>): boolean {
  if (outcome === 'refused') return item.reads.some((r) => r.outcome === 'refused')
  if (outcome === 'answered' || outcome === 'error' || outcome === 'stopped') return statusOf(item) === outcome
  return item.writes.some((w) => w.outcome === outcome)
}

function haystackOf(item: Item): string {
  item.haystack ??= [
    item.question,
    ...item.answers,
    ...item.reads.flatMap((r) => [r.ability, r.summary, r.detail, ...r.records.map((x) => x.label)]),
    ...item.writes.flatMap((w) => [w.ability, w.summary, w.outcome, w.declineReason, w.result, w.decidedBy, ...w.records.map((x) => x.label)]),
    ...item.steps.flatMap((s) => [s.provider, s.model])
  ]
    .filter(Boolean)
    .join('\n')
    .toLowerCase()
  return item.haystack
}

function statusOf(item: Item): ActivityItem['status'] {
  const last = item.steps.at(-1)
  if (item.writes.some((w) => w.outcome === 'pending' || w.outcome === 'outcome_unknown')) return 'waiting'
  if (!last) return item.kind === 'action' ? 'answered' : 'running'
  if (last.outcome === 'failed') return 'error'
  if (last.outcome === 'stopped') return 'stopped'
  if (last.outcome === 'answered') return 'answered'
  // The model asked for tools: it goes on once they have their results.
  return 'running'
}

function usageOf(item: Item): UsageTotals {
  const t = emptyTotals()
  t.requests = item.kind === 'request' ? 1 : 0
  for (const s of item.steps) {
    t.inputTokens += s.inputTokens ?? 0
    t.outputTokens += s.outputTokens ?? 0
    if (s.costUsd === undefined) t.unpricedSteps++
    else t.costUsd += s.costUsd
  }
  return t
}

function emptyTotals(): UsageTotals {
  return { requests: 0, inputTokens: 0, outputTokens: 0, costUsd: 0, unpricedSteps: 0 }
}

function addTotals(into: UsageTotals, add: UsageTotals): void {
  into.requests += add.requests
  into.inputTokens += add.inputTokens
  into.outputTokens += add.outputTokens
  into.costUsd += add.costUsd
  into.unpricedSteps += add.unpricedSteps
}

function monthOf(at: number): string {
  const d = new Date(at)
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}`
}

function toView(item: Item, titleOf: (conversationId: string) => string | null): ActivityItem {
  const reported = item.steps.filter((s) => s.inputTokens !== undefined || s.outputTokens !== undefined)
  const priced = item.steps.filter((s) => s.costUsd !== undefined)
  const providers = new Map<string, { provider: string; model: string }>()
  for (const s of item.steps) providers.set(`${s.provider}|${s.model}`, { provider: s.provider, model: s.model })
  return {
    id: item.id,
    at: item.at,
    kind: item.kind,
    conversationId: item.conversationId,
    conversationTitle: item.conversationId ? titleOf(item.conversationId) : null,
    question: item.question,
    answer: item.answers.length ? item.answers.join('\n\n') : null,
    status: statusOf(item),
    providers: [...providers.values()],
    inputTokens: reported.length ? reported.reduce((n, s) => n + (s.inputTokens ?? 0), 0) : null,
    outputTokens: reported.length ? reported.reduce((n, s) => n + (s.outputTokens ?? 0), 0) : null,
    costUsd: priced.length ? priced.reduce((n, s) => n + (s.costUsd ?? 0), 0) : null,
    unpricedSteps: item.steps.length - priced.length,
    reads: item.reads.map((r) => ({ ...r, records: [...r.records] })),
    writes: item.writes.map((w) => ({ ...w, records: [...w.records], history: [...w.history] }))
  }
}
