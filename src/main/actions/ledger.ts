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
import { parseStoredAction, type DamagedAction } from './record-schema'
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
  /** Who proposed it and alone may decide it: principalKey(), never a bare CRM user id. */
  principal: string
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
  'conversationId' | 'toolCallId' | 'ability' | 'abilityTitle' | 'input' | 'recordVersion' | 'card' | 'principal' | 'userName' | 'provider' | 'model'
>

import { DecisionRefusedError, stateMessage } from '../errors'
export { DecisionRefusedError }

type Shard = { actions: Record<string, ActionRecord> }

export interface LedgerOptions {
  stores: JsonStoreFactory
  clock: () => number
  /** How long a new proposal of this principal may wait (their setting, capped by policy). */
  expiryHours: (principal: string) => number
  /** Called after every change is on disk: the app pushes it to the renderer, audits it, etc. */
  onChange?: (action: ActionRecord) => void
  /** Told in plain words what could not be read: which approvals, in which conversation. */
  onCorrupt?: (problem: LedgerDamage) => void
}

/** Ledger data that could not be read: a whole file, or some actions in it (kept aside as `keptAs`). */
export interface LedgerDamage {
  keptAs: string
  lost: DamagedAction[] | 'unknown'
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
      for (const action of this.readShard(name)) {
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
      hash: actionHash(draft.ability, draft.input, draft.recordVersion, draft.card),
      state: 'proposed',
      createdAt: now,
      expiresAt: now + this.options.expiryHours(draft.principal) * 3_600_000,
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
  decide(input: { id: string; hash: string; decision: 'approve' | 'decline'; principal: string; reason?: string }): ActionRecord {
    const action = this.get(input.id)
    if (!action) throw new DecisionRefusedError('not_found', 'This action no longer exists.')
    if (action.hash !== input.hash) {
      throw new DecisionRefusedError('hash_mismatch', 'This decision does not match the card that was shown. Nothing was done.')
    }
    if (action.principal !== input.principal) {
      throw new DecisionRefusedError('wrong_user', `Only ${action.userName}, who started this conversation, can decide on this action.`)
    }
    if (action.state === 'pending' && this.isExpired(action)) {
      this.transition(action.id, 'expired')
      throw new DecisionRefusedError('expired', 'This action has expired and can no longer be approved.')
    }
    if (action.state !== 'pending') throw new DecisionRefusedError('not_pending', stateMessage(action.state))
    const now = this.options.clock()
    const reason = input.reason?.trim() ? input.reason.trim() : null
    return input.decision === 'approve'
      ? this.transition(action.id, 'approved', { decidedAt: now, decidedBy: input.principal })
      : this.transition(action.id, 'declined', { decidedAt: now, decidedBy: input.principal, declineReason: reason })
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
      for (const action of this.readShard(name)) {
        // Anything also in an open shard is newer there.
        if (!this.byId.has(action.id)) this.byId.set(action.id, action)
      }
    }
  }

  /** Gives actions saved under a bare CRM user id to that user's principal (see identity-migration.ts). */
  claimLegacy(bareUserId: string, principal: string): void {
    const owner = `legacy:${bareUserId}`
    for (const action of this.all().filter((a) => a.principal === owner)) {
      const claimed = { ...action, principal, decidedBy: action.decidedBy === bareUserId ? principal : action.decidedBy }
      const open = this.shard(openShardOf(action.id))
      if (open.read().actions[action.id]) open.write({ actions: { ...open.read().actions, [action.id]: claimed } })
      else {
        const closed = this.shard(closedShardOf(action))
        closed.write({ actions: { ...closed.read().actions, [action.id]: claimed } })
      }
      this.byId.set(action.id, claimed)
    }
  }

  /**
   * The actions of one file, each checked against the stored shape. Damaged ones are dropped from
   * the file (a copy of it as it was is kept) and reported; the rest load as usual.
   */
  private readShard(name: string): ActionRecord[] {
    const store = this.shard(name)
    const raw = store.read().actions
    const entries = raw && typeof raw === 'object' && !Array.isArray(raw) ? Object.entries(raw as Record<string, unknown>) : []
    const good: Record<string, ActionRecord> = {}
    const lost: DamagedAction[] = []
    for (const [id, value] of entries) {
      const parsed = parseStoredAction(value)
      if (parsed.ok && parsed.action.id === id) good[id] = parsed.action
      else lost.push(parsed.ok ? { abilityTitle: parsed.action.abilityTitle, conversationId: parsed.action.conversationId } : parsed.damaged)
    }
    const wrongShape = raw !== undefined && entries.length === 0 && !(raw && typeof raw === 'object' && !Array.isArray(raw))
    if (lost.length > 0 || wrongShape) {
      const keptAs = store.keepCopy()
      store.write({ actions: good })
      this.options.onCorrupt?.({ keptAs, lost: wrongShape ? 'unknown' : lost })
    }
    return Object.values(good)
  }

  private shard(name: string): JsonStore<Shard> {
    let store = this.shards.get(name)
    if (!store) {
      store = this.options.stores.open<Shard>({
        name,
        folder: 'ledger',
        defaults: { actions: {} },
        onCorrupt: (keptAs) => this.options.onCorrupt?.({ keptAs, lost: 'unknown' })
      })
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
    principal: action.principal,
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
