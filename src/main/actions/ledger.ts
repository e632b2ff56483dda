// The action ledger: every write the assistant wants to make, from proposal to outcome.
//
// Durability: each change is written (atomically, fsync'd) before the caller goes on — a
// proposal before its card is shown, a decision before the reply, `executing` before the side
// effect. Layout (bench/results.md has the figures behind it): actions still in play live in
// OPEN_BUCKETS small electron-store files chosen by id, so a change rewrites one small file
// whatever the ledger's size; settled actions move to one file per day of creation, read only
// when something asks for a settled action, and dropped whole after RETENTION_DAYS (the audit log
// keeps the permanent record). One file for everything grew linearly and missed the targets.
import { randomUUID } from 'node:crypto'
import type { ActionCard, ActionState, ActionView } from '../../shared/domain'
import { TERMINAL_STATES } from '../../shared/domain'
import type { JsonStore, JsonStoreFactory } from '../storage/types'
import { actionHash } from './hash'
import { assertTransition } from './state-machine'

export const OPEN_BUCKETS = 16
export const RETENTION_DAYS = 30
export const DEFAULT_EXPIRY_HOURS = 48

export interface ActionRecord {
  id: string
  conversationId: string
  toolCallId: string
  ability: string
  abilityTitle: string
  input: unknown
  recordVersion: string | null
  hash: string
  state: ActionState
  card: ActionCard
  userId: string
  userName: string
  provider: string
  model: string
  createdAt: number
  expiresAt: number
  decidedAt: number | null
  decidedBy: string | null
  declineReason: string | null
  resultSummary: string | null
  error: string | null
  supersededBy: string | null
  /** Every state the action has been in, with when: the action's own audit trail. */
  history: { state: ActionState; at: number }[]
}

export type ProposalDraft = Pick<
  ActionRecord,
  'conversationId' | 'toolCallId' | 'ability' | 'abilityTitle' | 'input' | 'recordVersion' | 'card' | 'userId' | 'userName' | 'provider' | 'model'
>

export class DecisionRefusedError extends Error {
  constructor(
    readonly code: 'not_found' | 'hash_mismatch' | 'not_pending' | 'expired' | 'wrong_user',
    message: string
  ) {
    super(message)
    this.name = 'DecisionRefusedError'
  }
}

type Shard = { actions: Record<string, ActionRecord> }

export interface LedgerOptions {
  stores: JsonStoreFactory
  clock: () => number
  expiryHours: () => number
  /** Called after every change is on disk: the app pushes it to the renderer, audits it, etc. */
  onChange?: (action: ActionRecord) => void
  onCorrupt?: (movedTo: string) => void
}

export class ActionLedger {
  private readonly shards = new Map<string, JsonStore<Shard>>()
  private readonly byId = new Map<string, ActionRecord>()
  /** Settled shards not read yet: start-up reads only the actions still in play. */
  private unreadClosed: string[]

  constructor(private readonly options: LedgerOptions) {
    const oldest = `closed-${dayOf(options.clock() - RETENTION_DAYS * 86_400_000)}`
    const names = options.stores.list('ledger')
    for (const name of names.filter((n) => n.startsWith('closed-') && n < oldest)) this.shard(name).remove()
    this.unreadClosed = names.filter((n) => n.startsWith('closed-') && n >= oldest)
    // Open shards are authoritative: every change is written there first (see save), so the
    // newest state of any action still in play, or just settled, is in an open shard.
    const settledInOpen: ActionRecord[] = []
    for (const name of names.filter((n) => n.startsWith('open-'))) {
      for (const action of Object.values(this.shard(name).read().actions ?? {})) {
        this.byId.set(action.id, action)
        if (isTerminal(action.state)) settledInOpen.push(action)
      }
    }
    // A crash interrupted a settlement after its first write: finish moving it now.
    for (const action of settledInOpen) this.archive(action)
  }

  /** The number of actions in the ledger, settled ones included. */
  get size(): number {
    this.readClosed()
    return this.byId.size
  }

  get(id: string): ActionRecord | undefined {
    const found = this.byId.get(id)
    if (found) return found
    this.readClosed()
    return this.byId.get(id)
  }

  all(): ActionRecord[] {
    this.readClosed()
    return [...this.byId.values()]
  }

  inState(...states: ActionState[]): ActionRecord[] {
    if (states.some(isTerminal)) this.readClosed()
    return [...this.byId.values()].filter((a) => states.includes(a.state))
  }

  forConversation(conversationId: string): ActionRecord[] {
    return this.all()
      .filter((a) => a.conversationId === conversationId)
      .sort((a, b) => a.createdAt - b.createdAt)
  }

  /** Records a new proposal. It is on disk, as `pending` or `executing`, when this returns. */
  propose(draft: ProposalDraft, next: 'pending' | 'executing'): ActionRecord {
    const now = this.options.clock()
    const action: ActionRecord = {
      ...draft,
      id: randomUUID(),
      hash: actionHash(draft.ability, draft.input, draft.recordVersion),
      state: 'proposed',
      createdAt: now,
      expiresAt: now + this.options.expiryHours() * 3_600_000,
      decidedAt: null,
      decidedBy: null,
      declineReason: null,
      resultSummary: null,
      error: null,
      supersededBy: null,
      history: [{ state: 'proposed', at: now }]
    }
    assertTransition('proposed', next)
    action.state = next
    action.history.push({ state: next, at: now })
    this.save(action)
    return action
  }

  /** Moves an action to `to`, validating the move, and writes it before returning. */
  transition(id: string, to: ActionState, patch: Partial<Pick<ActionRecord, 'decidedAt' | 'decidedBy' | 'declineReason' | 'resultSummary' | 'error' | 'supersededBy'>> = {}): ActionRecord {
    const current = this.get(id)
    if (!current) throw new DecisionRefusedError('not_found', `No action ${id}`)
    assertTransition(current.state, to)
    const now = this.options.clock()
    const next: ActionRecord = { ...current, ...patch, state: to, history: [...current.history, { state: to, at: now }] }
    this.save(next)
    return next
  }

  /**
   * A user's decision on a pending action. The renderer names the action and the hash shown on
   * its card; both, the state, the expiry and the deciding user are checked here.
   */
  decide(input: { id: string; hash: string; decision: 'approve' | 'decline'; userId: string; reason?: string }): ActionRecord {
    const action = this.get(input.id)
    if (!action) throw new DecisionRefusedError('not_found', 'This action no longer exists.')
    if (action.hash !== input.hash) {
      throw new DecisionRefusedError('hash_mismatch', 'This decision does not match the card that was shown. Nothing was done.')
    }
    if (action.userId !== input.userId) {
      throw new DecisionRefusedError('wrong_user', `Only ${action.userName}, who started this conversation, can decide on this action.`)
    }
    if (action.state === 'pending' && this.isExpired(action)) {
      this.transition(action.id, 'expired')
      throw new DecisionRefusedError('expired', 'This action has expired and can no longer be approved.')
    }
    if (action.state !== 'pending') {
      throw new DecisionRefusedError('not_pending', `This action is ${action.state.replace('_', ' ')}; it can no longer be decided.`)
    }
    const now = this.options.clock()
    const reason = input.reason?.trim() ? input.reason.trim() : null
    return input.decision === 'approve'
      ? this.transition(action.id, 'approved', { decidedAt: now, decidedBy: input.userId })
      : this.transition(action.id, 'declined', { decidedAt: now, decidedBy: input.userId, declineReason: reason })
  }

  isExpired(action: ActionRecord): boolean {
    return this.options.clock() >= action.expiresAt
  }

  /** Expires every pending action past its time. Run at start-up and periodically. */
  sweepExpired(): ActionRecord[] {
    return this.inState('pending')
      .filter((a) => this.isExpired(a))
      .map((a) => this.transition(a.id, 'expired'))
  }

  /**
   * Writes an action's new state before anyone hears of it. Every state goes to the action's open
   * shard first, settled ones included; a settled action is then copied to its day's shard and
   * dropped from the open one. A crash between those writes leaves the open shard authoritative,
   * and start-up finishes the move. Hot-path writes (proposal, decision, executing) touch one
   * small file.
   */
  private save(action: ActionRecord): void {
    const open = this.shard(openShardOf(action.id))
    open.write({ actions: { ...open.read().actions, [action.id]: action } })
    this.byId.set(action.id, action)
    if (isTerminal(action.state)) this.archive(action)
    this.options.onChange?.(action)
  }

  private archive(action: ActionRecord): void {
    const closed = this.shard(closedShardOf(action))
    closed.write({ actions: { ...closed.read().actions, [action.id]: action } })
    const open = this.shard(openShardOf(action.id))
    const { [action.id]: _moved, ...rest } = open.read().actions
    open.write({ actions: rest })
  }

  /** Reads the settled shards, once, when something needs settled actions. */
  private readClosed(): void {
    for (const name of this.unreadClosed.splice(0)) {
      for (const action of Object.values(this.shard(name).read().actions ?? {})) {
        // Anything also in an open shard is newer there.
        if (!this.byId.has(action.id)) this.byId.set(action.id, action)
      }
    }
  }

  private shard(name: string): JsonStore<Shard> {
    let store = this.shards.get(name)
    if (!store) {
      store = this.options.stores.open<Shard>({ name, folder: 'ledger', defaults: { actions: {} }, onCorrupt: this.options.onCorrupt })
      this.shards.set(name, store)
    }
    return store
  }
}

export function openShardOf(id: string): string {
  // Ids are random UUIDs, so their first hex digit spreads evenly.
  return `open-${(parseInt(id.slice(0, 1), 16) % OPEN_BUCKETS).toString(16)}`
}

export function closedShardOf(action: Pick<ActionRecord, 'createdAt'>): string {
  return `closed-${dayOf(action.createdAt)}`
}

function dayOf(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10)
}

export function isTerminal(state: ActionState): boolean {
  return TERMINAL_STATES.includes(state)
}

export function toView(action: ActionRecord): ActionView {
  return {
    id: action.id,
    conversationId: action.conversationId,
    toolCallId: action.toolCallId,
    ability: action.ability,
    abilityTitle: action.abilityTitle,
    hash: action.hash,
    state: action.state,
    card: action.card,
    userId: action.userId,
    userName: action.userName,
    createdAt: action.createdAt,
    expiresAt: action.expiresAt,
    decidedAt: action.decidedAt,
    declineReason: action.declineReason,
    resultSummary: action.resultSummary,
    error: action.error,
    supersededBy: action.supersededBy
  }
}
