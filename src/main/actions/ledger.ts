// The action ledger: every write the assistant wants to make, from proposal to outcome.
//
// Durability: each change is on disk before the caller goes on — a proposal before its card is
// shown, a decision before the reply, `executing` before the side effect. Layout (the figures
// behind it are in bench/results.md), all under <data>/ledger:
//   open-<generation>.jsonl   every change, appended as the action's whole new record on one
//                             checksummed line (one write, one fdatasync): a change costs the
//                             same with 10 or 10,000 actions in play. Start-up reads it whole.
//   closed-<day>.jsonl        settled actions by day of creation, moved there by start-up
//                             compaction, read only when something asks for a settled action,
//                             dropped whole after RETENTION_DAYS (the audit log keeps the
//                             permanent record).
//   meta.json                 electron-store: the layout's format and the current open journal.
// Compaction, at start-up only: settled actions are appended to their day's journal, then the
// actions still in play are written to the next generation's journal atomically (temporary file,
// fsync, rename), and older generations are removed. The newest generation on disk is always
// complete, so a crash at any point of compaction, or at any byte of an append, leaves a ledger
// start-up can read (src/main/storage/journal.ts says how a torn last line is handled).
// Earlier layouts (whole electron-store files rewritten per change) are migrated on first start.
import { randomUUID } from 'node:crypto'
import { copyFileSync, readdirSync } from 'node:fs'
import { basename, join } from 'node:path'
import type { ActionCard, ActionState, ActionView } from '../../shared/domain'
import { TERMINAL_STATES } from '../../shared/domain'
import { appendToJournal, loadJournal, readJournal, removeFile, writeJournalAtomically } from '../storage/journal'
import type { JsonStore, JsonStoreFactory } from '../storage/types'
import { legacyOwner } from '../accounts/identity-migration'
import { actionHash } from './hash'
import { parseStoredAction, type DamagedAction } from './record-schema'
import { assertTransition } from './state-machine'

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
  /** When the person edited the proposal before approving: what they changed, in words (told to the model). */
  userEdit?: string | null
  /** Every state the action has been in, with when: the action's own audit trail. */
  history: { state: ActionState; at: number }[]
}

export type ProposalDraft = Pick<
  ActionRecord,
  'conversationId' | 'toolCallId' | 'ability' | 'abilityTitle' | 'input' | 'recordVersion' | 'card' | 'principal' | 'userName' | 'provider' | 'model'
> & Partial<Pick<ActionRecord, 'userEdit'>>

import { DecisionRefusedError, stateMessage } from '../errors'
export { DecisionRefusedError }

/** The ledger's metadata, in electron-store beside the journals. */
interface LedgerMeta extends Record<string, unknown> {
  /** 2: journals. Absent: nothing written yet, or the layout of whole electron-store files. */
  format?: number
  /** The open journal start-up last compacted into (informational: the newest generation wins). */
  open?: string
  compactedAt?: number
}

const FORMAT = 2
const FOLDER = 'ledger'
const OPEN_JOURNAL = /^open-(\d+)\.jsonl$/
const CLOSED_JOURNAL = /^closed-\d{4}-\d{2}-\d{2}\.jsonl$/
/** Start-up compacts when the open journal holds this many lines beyond twice the live actions. */
const COMPACT_SLACK = 64

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
  private readonly byId = new Map<string, ActionRecord>()
  private readonly dir: string
  /** The open journal every change is appended to. */
  private journal: string
  /** Settled journals not read yet: start-up reads only the open journal. */
  private unreadClosed: string[]

  constructor(private readonly options: LedgerOptions) {
    const { stores } = options
    this.dir = stores.folderPath(FOLDER)
    const meta = stores.open<LedgerMeta>({ name: 'meta', folder: FOLDER, defaults: {}, onCorrupt: (keptAs) => options.onCorrupt?.({ keptAs, lost: 'unknown' }) })
    const files = readdirSync(this.dir)
    for (const f of files.filter((f) => f.includes('.tmp-'))) removeFile(join(this.dir, f))

    const generations = files.map((f) => OPEN_JOURNAL.exec(f)).filter((m) => m !== null).map((m) => Number(m[1]))
    const generation = generations.length ? Math.max(...generations) : 0
    // The newest generation is complete (it appears only by rename); older ones are leftovers of
    // a compaction interrupted after that rename.
    for (const g of generations.filter((g) => g < generation)) removeFile(this.journalPath(g))
    this.journal = this.journalPath(generation)
    const opened = loadJournal<unknown>(this.journal, (copy) => this.damaged(copy, 'unknown'))
    // Every record is checked against the stored shape: a damaged one is set aside and reported.
    const { good, lost } = checked(opened.records)
    if (lost.length > 0) this.damaged(this.keepCopy(this.journal), lost)
    // Later lines are newer states of the same action.
    for (const action of good) this.byId.set(action.id, action)
    const legacy = meta.read().format === FORMAT ? [] : this.readLegacy()

    const oldest = `closed-${dayOf(options.clock() - RETENTION_DAYS * 86_400_000)}.jsonl`
    const closed = files.filter((f) => CLOSED_JOURNAL.test(f))
    for (const f of closed.filter((f) => f < oldest)) removeFile(join(this.dir, f))
    this.unreadClosed = closed.filter((f) => f >= oldest)

    const inPlay = [...this.byId.values()].filter((a) => !isTerminal(a.state)).length
    const settled = this.byId.size - inPlay
    if (opened.damaged > 0 || lost.length > 0 || legacy.length > 0 || settled > 0 || opened.records.length > 2 * inPlay + COMPACT_SLACK || meta.read().format !== FORMAT) {
      this.compact(generation, oldest, meta)
      for (const name of legacy) stores.open({ name, folder: FOLDER, defaults: {} }).remove()
    }
  }

  /** Actions this start-up's compaction moved to the settled journals: they settled since the previous start. */
  private readonly settledSinceLastStart: ActionRecord[] = []

  /**
   * Every action that changed since the previous start-up: those still in play and those that
   * settled since. Anything a crash interrupted is among them; the settled journals are not read.
   */
  changedSinceLastStart(): ActionRecord[] {
    return [...this.byId.values()].filter((a) => !isTerminal(a.state)).concat(this.settledSinceLastStart)
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

  /** Gives actions saved under a bare CRM user id to that user's principal (see identity-migration.ts). */
  claimLegacy(bareUserId: string, principal: string): void {
    const owner = legacyOwner(bareUserId)
    const claimed = this.all()
      .filter((a) => a.principal === owner)
      .map((a) => ({ ...a, principal, decidedBy: a.decidedBy === bareUserId ? principal : a.decidedBy }))
    if (claimed.length === 0) return
    // Appended to the open journal, which wins over the settled journals; compaction moves them.
    appendToJournal(this.journal, claimed)
    for (const a of claimed) this.byId.set(a.id, a)
  }

  private damaged(copy: string, lost: LedgerDamage['lost']): void {
    this.options.onCorrupt?.({ keptAs: `${FOLDER}/${basename(copy)}`, lost })
  }

  /** A copy of a journal as it is on disk, before damaged records are dropped from it. */
  private keepCopy(path: string): string {
    const copy = `${path}.corrupt-${Date.now()}`
    copyFileSync(path, copy)
    return copy
  }

  /** Writes an action's new state, as one appended line, before anyone hears of it. */
  private save(action: ActionRecord): void {
    appendToJournal(this.journal, [action])
    this.byId.set(action.id, action)
    this.options.onChange?.(action)
  }

  /**
   * Start-up compaction: settled actions go to their day's journal (kept RETENTION_DAYS), the
   * ones still in play to the next generation's open journal, written atomically; then the older
   * generations go. Until the new generation is renamed into place the old one is authoritative;
   * after, the new one is, and it is complete. Settled actions appended twice (a crash between
   * the two steps) are the same record twice.
   */
  private compact(generation: number, oldestClosed: string, meta: JsonStore<LedgerMeta>): void {
    const byDay = new Map<string, ActionRecord[]>()
    const inPlay: ActionRecord[] = []
    for (const action of this.byId.values()) {
      if (!isTerminal(action.state)) inPlay.push(action)
      else {
        const name = `${closedJournalOf(action)}.jsonl`
        if (name < oldestClosed) continue
        const day = byDay.get(name)
        if (day) day.push(action)
        else byDay.set(name, [action])
      }
    }
    for (const [name, actions] of byDay) {
      // Read first only to cut a torn tail a crash may have left there.
      loadJournal<ActionRecord>(join(this.dir, name), (copy) => this.damaged(copy, 'unknown'))
      appendToJournal(join(this.dir, name), actions)
      if (!this.unreadClosed.includes(name)) this.unreadClosed.push(name)
    }
    const next = generation + 1
    writeJournalAtomically(this.journalPath(next), inPlay)
    this.journal = this.journalPath(next)
    meta.write({ format: FORMAT, open: `open-${next}`, compactedAt: this.options.clock() })
    for (const f of readdirSync(this.dir)) {
      const m = OPEN_JOURNAL.exec(f)
      if (m && Number(m[1]) < next) removeFile(join(this.dir, f))
    }
    // Settled actions now live in their day's journal, read again on first use.
    for (const [id, action] of this.byId) {
      if (!isTerminal(action.state)) continue
      this.settledSinceLastStart.push(action)
      this.byId.delete(id)
    }
  }

  /**
   * The layout before journals: whole electron-store files, `open-<bucket>` for actions in play
   * and `closed-<day>` for settled ones. Their actions join the in-memory ledger (the most advanced
   * copy of each wins) and are written to journals by the compaction that follows.
   */
  private readLegacy(): string[] {
    const names = this.options.stores.list(FOLDER).filter((n) => /^(open|closed)-/.test(n))
    for (const name of names) {
      const store = this.options.stores.open<{ actions: unknown }>({ name, folder: FOLDER, defaults: { actions: {} }, onCorrupt: (keptAs) => this.options.onCorrupt?.({ keptAs, lost: 'unknown' }) })
      const raw = store.read().actions
      const values = raw && typeof raw === 'object' && !Array.isArray(raw) ? Object.values(raw as Record<string, unknown>) : []
      const { good, lost } = checked(values)
      if (lost.length > 0 || (raw !== undefined && values.length === 0 && !(raw && typeof raw === 'object' && !Array.isArray(raw)))) {
        this.options.onCorrupt?.({ keptAs: store.keepCopy(), lost: lost.length ? lost : 'unknown' })
      }
      for (const action of good) {
        const known = this.byId.get(action.id)
        if (!known || known.history.length < action.history.length) this.byId.set(action.id, action)
      }
    }
    return names
  }

  /** Reads the settled journals, once, when something needs settled actions. */
  private readClosed(): void {
    for (const name of this.unreadClosed.splice(0)) {
      // Later lines of a journal are newer states of the same action.
      const latest = new Map<string, ActionRecord>()
      for (const action of checked(readJournal<unknown>(join(this.dir, name)).records).good) latest.set(action.id, action)
      for (const action of latest.values()) {
        // Anything also in the open journal is newer there.
        if (!this.byId.has(action.id)) this.byId.set(action.id, action)
      }
    }
  }

  private journalPath(generation: number): string {
    return join(this.dir, `open-${generation}.jsonl`)
  }
}

export function closedJournalOf(action: Pick<ActionRecord, 'createdAt'>): string {
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
    supersededBy: action.supersededBy,
    input: action.input,
    userEdit: action.userEdit ?? null
  }
}

/** Records read from disk, each checked against the stored shape (legacy ones given their owner). */
function checked(values: unknown[]): { good: ActionRecord[]; lost: DamagedAction[] } {
  const good: ActionRecord[] = []
  const lost: DamagedAction[] = []
  for (const value of values) {
    const parsed = parseStoredAction(value)
    if (parsed.ok) good.push(parsed.action)
    else lost.push(parsed.damaged)
  }
  return { good, lost }
}
