// Conversations, one journal each in the user's data folder: what the user sees (entries), what
// the model sees (messages), and the tool calls of the current step still waiting for a result.
//
// Layout: conversations/<id>.jsonl, checksummed lines (src/main/storage/journal.ts). The first
// line is a whole snapshot; each later line is one change: the fields that changed, the entries
// added, replaced or removed, the messages added. So a write costs what changed, however long the
// conversation is. Start-up replays the lines, and rewrites a journal as one snapshot (atomically)
// once it has many changes.
//
// Durability: changes are group-committed, at the points a restart needs. `update` applies a
// change in memory at once. A change that adds the user's message, touches an entry that carries
// a ledger action (a card, or the result of running it), or leaves the conversation at rest (any
// status but `running`) is committed at the end of this turn of the event loop (setImmediate),
// together with every other change made so far, in one append and one fdatasync. Changes made
// while the model is still answering (its reads, its running status) ride along with the next
// commit. So a user message that ends on an approval card costs two durable writes: the message,
// then the card with the step that led to it. A crash mid-answer loses at most that answer's
// unsaved steps: the conversation restarts from the user's message, marked interrupted (retry
// asks again), and nothing the ledger holds is lost, since the ledger writes before it returns
// and every entry tied to an action is committed in the same turn. Any crash leaves a journal
// start-up can read: a torn last line is dropped.
import { randomUUID } from 'node:crypto'
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs'
import { basename, join } from 'node:path'
import { z } from 'zod'
import type { ModelMessage, ToolResultPart } from 'ai'
import { conversationStatusSchema, entrySchema, type ConversationStatus, type ConversationSummary, type ConversationView, type Entry } from '../../shared/domain'
import { legacyOwner, withLegacyOwner } from '../accounts/identity-migration'
import { appendToJournal, readJournal, truncateJournal, writeJournalAtomically } from '../storage/journal'

export interface OpenStep {
  /** Tool calls the model made in its last step, in order. */
  calls: { toolCallId: string; toolName: string }[]
  /** Results gathered so far; the loop continues once every call has one. */
  results: Record<string, ToolResultPart>
}

export interface ConversationRecord {
  id: string
  title: string
  /** Whose conversation it is: principalKey(), never a bare CRM user id. */
  principal: string
  createdAt: number
  updatedAt: number
  status: ConversationStatus
  entries: Entry[]
  messages: ModelMessage[]
  openStep: OpenStep | null
}

/** Fields that are written whole when they change. */
const SCALARS = ['title', 'principal', 'createdAt', 'updatedAt', 'status'] as const
type Scalars = Pick<ConversationRecord, (typeof SCALARS)[number]>

type ChangeLine = {
  t: 'change'
  set?: Partial<Scalars> & { openStep?: OpenStep | null }
  /** Entries added or replaced, by id, in order; new ones go at the end. */
  put?: Entry[]
  remove?: string[]
  /** The whole entry list, when its order changed in a way put/remove cannot say. */
  entries?: Entry[]
  /** Messages from index `from` on (the model's history only grows, so usually the new ones). */
  messages?: { from: number; items: ModelMessage[] }
}
type Line = { t: 'snapshot'; record: ConversationRecord } | ChangeLine

/** What is on disk for one conversation, by reference, to tell what a flush must write. */
interface Persisted {
  scalars: Scalars
  openStep: string
  entries: Entry[]
  messages: ModelMessage[]
}

/** Start-up rewrites a journal as one snapshot once it holds this many changes. */
const COMPACT_AFTER = 200

export class ConversationStore {
  private readonly cache = new Map<string, ConversationRecord>()
  private readonly persisted = new Map<string, Persisted>()
  private readonly dirty = new Set<string>()
  /** Conversations whose next write must be a whole snapshot (new ones, or after a failed append). */
  private readonly needsSnapshot = new Set<string>()
  private scheduled: NodeJS.Immediate | null = null
  private writes = 0
  private readonly dir: string

  constructor(
    dataDir: string,
    private readonly clock: () => number,
    private readonly onCorrupt?: (movedTo: string) => void
  ) {
    this.dir = join(dataDir, 'conversations')
    mkdirSync(this.dir, { recursive: true, mode: 0o700 }) // private, like every file in it
    for (const file of readdirSync(this.dir)) {
      if (file.includes('.tmp-')) rmSync(join(this.dir, file), { force: true })
      else if (/^[0-9a-f-]{36}\.jsonl$/.test(file)) this.load(join(this.dir, file))
      else if (/^[0-9a-f-]{36}\.json$/.test(file)) this.migrate(join(this.dir, file))
    }
  }

  create(principal: string): ConversationRecord {
    const now = this.clock()
    const record: ConversationRecord = {
      id: randomUUID(),
      title: 'New conversation',
      principal,
      createdAt: now,
      updatedAt: now,
      status: 'idle',
      entries: [],
      messages: [],
      openStep: null
    }
    this.cache.set(record.id, record)
    this.markDirty(record.id, true)
    return record
  }

  get(id: string): ConversationRecord | undefined {
    return this.cache.get(id)
  }

  list(principal?: string): ConversationRecord[] {
    return [...this.cache.values()]
      .filter((c) => !principal || c.principal === principal)
      .sort((a, b) => b.updatedAt - a.updatedAt)
  }

  /**
   * Applies `change` to a copy, which becomes the conversation at once; it is on disk by the end
   * of this turn of the event loop (see the top of this file). Entries are replaced, never edited
   * in place: entries already on disk are frozen, so an edit in place fails loudly instead of
   * being silently left unwritten.
   */
  update(id: string, change: (draft: ConversationRecord) => void): ConversationRecord {
    const current = this.cache.get(id)
    if (!current) throw new Error(`No conversation ${id}`)
    const draft: ConversationRecord = {
      ...current,
      entries: [...current.entries],
      messages: [...current.messages],
      openStep: current.openStep ? structuredClone(current.openStep) : null
    }
    change(draft)
    draft.updatedAt = this.clock()
    this.cache.set(id, draft)
    this.markDirty(id, draft.status !== 'running' || draft.entries.some((e, i) => e !== current.entries[i] && mustCommit(e)))
    return draft
  }

  /** Keeps a streaming entry current in memory without a disk write per token. */
  updateInMemory(id: string, change: (draft: ConversationRecord) => void): ConversationRecord {
    const current = this.cache.get(id)
    if (!current) throw new Error(`No conversation ${id}`)
    change(current)
    return current
  }

  /** Gives conversations saved under a bare CRM user id to that user's principal (see identity-migration.ts). */
  claimLegacy(bareUserId: string, principal: string): void {
    for (const record of [...this.cache.values()].filter((c) => c.principal === legacyOwner(bareUserId))) {
      this.cache.set(record.id, { ...record, principal })
      this.markDirty(record.id, true)
    }
    this.flush()
  }

  /** Deletes a conversation's journal (the ledger and the audit log keep their own records). */
  remove(id: string): void {
    this.dirty.delete(id)
    this.needsSnapshot.delete(id)
    this.persisted.delete(id)
    this.cache.delete(id)
    rmSync(this.pathOf(id), { force: true })
  }

  /** Writes every pending change now (shutdown, tests, benchmarks). */
  flush(): void {
    if (this.scheduled) clearImmediate(this.scheduled)
    this.scheduled = null
    for (const id of [...this.dirty]) {
      this.dirty.delete(id)
      try {
        this.write(id)
      } catch (error) {
        // Not thrown into the event loop: the change stays in memory, and the next flush writes a
        // whole snapshot so a half-written line is never built upon.
        this.needsSnapshot.add(id)
        this.dirty.add(id)
        console.error('[conversations] could not save a conversation:', (error as NodeJS.ErrnoException)?.code ?? 'unknown error')
      }
    }
  }

  /** Durable writes (appends or snapshots, each one fsync) since start: for tests and the benchmark. */
  get durableWrites(): number {
    return this.writes
  }

  /** Marks a change unsaved; `commit` schedules the write at the end of this turn. */
  private markDirty(id: string, commit: boolean): void {
    this.dirty.add(id)
    if (!commit) return
    this.scheduled ??= setImmediate(() => {
      this.scheduled = null
      this.flush()
    })
  }

  private write(id: string): void {
    const record = this.cache.get(id)
    if (!record) return
    const path = this.pathOf(id)
    const before = this.persisted.get(id)
    if (!before || this.needsSnapshot.has(id)) {
      writeJournalAtomically(path, [{ t: 'snapshot', record } satisfies Line])
      this.needsSnapshot.delete(id)
    } else {
      const line = changeLine(before, record)
      if (!line) return
      appendToJournal(path, [line])
    }
    this.writes++
    this.persisted.set(id, persistedOf(record))
  }

  private load(path: string): void {
    const read = readJournal<Line>(path)
    let replayed: ConversationRecord | null = null
    try {
      for (const line of read.records) replayed = line.t === 'snapshot' ? line.record : replayed && applyChange(replayed, line)
    } catch {
      replayed = null // a line of the wrong shape
    }
    const record = parseConversation(replayed)
    if (!record || `${record.id}.jsonl` !== basename(path)) {
      // Kept for inspection, never silently overwritten; the person is told which conversation.
      const movedTo = path.replace(/\.jsonl$/, `.corrupt-${Date.now()}.jsonl`)
      renameSync(path, movedTo)
      this.tellDamaged(replayed, movedTo, 'could not be read and was set aside')
      return
    }
    if (read.damaged > 0) {
      const copy = path.replace(/\.jsonl$/, `.corrupt-${Date.now()}.jsonl`)
      copyFileSync(path, copy)
      this.tellDamaged(record, copy, 'had a damaged part, which was set aside; the rest is kept')
    }
    this.cache.set(record.id, record)
    if (read.damaged > 0 || read.records.length > COMPACT_AFTER) {
      writeJournalAtomically(path, [{ t: 'snapshot', record } satisfies Line])
    } else if (statSync(path).size !== read.validBytes) {
      truncateJournal(path, read.validBytes) // a torn last line: it was never written whole
    }
    this.persisted.set(record.id, persistedOf(record))
  }

  private tellDamaged(raw: unknown, movedTo: string, what: string): void {
    const title = raw && typeof raw === 'object' && typeof (raw as { title?: unknown }).title === 'string' ? (raw as { title: string }).title : null
    this.onCorrupt?.(`${title ? `The conversation "${title}"` : 'A conversation'} ${what} (conversations/${basename(movedTo)}). Other conversations are not affected.`)
  }

  /** A conversation in the earlier layout: one JSON file rewritten whole per change. */
  private migrate(path: string): void {
    let raw: unknown
    try {
      raw = JSON.parse(readFileSync(path, 'utf8'))
    } catch {
      raw = undefined
    }
    const record = parseConversation(raw)
    if (!record || `${record.id}.json` !== basename(path)) {
      const movedTo = path.replace(/\.json$/, `.corrupt-${Date.now()}.json`)
      renameSync(path, movedTo)
      this.tellDamaged(raw, movedTo, 'could not be read and was set aside')
      return
    }
    const target = this.pathOf(record.id)
    if (!existsSync(target)) {
      writeJournalAtomically(target, [{ t: 'snapshot', record } satisfies Line])
      this.cache.set(record.id, record)
      this.persisted.set(record.id, persistedOf(record))
    }
    // Else the journal was written by an earlier, interrupted migration and is loaded on its own.
    rmSync(path, { force: true })
  }

  private pathOf(id: string): string {
    return join(this.dir, `${id}.jsonl`)
  }
}

/** Entries a restart must find: the user's own words, and anything tied to a ledger action. */
function mustCommit(entry: Entry): boolean {
  return entry.kind === 'user' || (entry.kind === 'tool' && entry.actionId !== null)
}

function persistedOf(record: ConversationRecord): Persisted {
  for (const entry of record.entries) Object.freeze(entry)
  return {
    scalars: { title: record.title, principal: record.principal, createdAt: record.createdAt, updatedAt: record.updatedAt, status: record.status },
    openStep: JSON.stringify(record.openStep ?? null),
    entries: [...record.entries],
    messages: [...record.messages]
  }
}

/** What changed since `before` was written, as one line; null when nothing did. */
function changeLine(before: Persisted, record: ConversationRecord): ChangeLine | null {
  const line: ChangeLine = { t: 'change' }
  const set: NonNullable<ChangeLine['set']> = {}
  for (const key of SCALARS) if (before.scalars[key] !== record[key]) Object.assign(set, { [key]: record[key] })
  const openStep = JSON.stringify(record.openStep ?? null)
  if (openStep !== before.openStep) set.openStep = record.openStep ?? null
  if (Object.keys(set).length) line.set = set

  // Entries are compared by reference: they are replaced, never edited in place.
  const known = new Map(before.entries.map((e) => [e.id, e]))
  const ids = new Set(record.entries.map((e) => e.id))
  const remove = before.entries.filter((e) => !ids.has(e.id)).map((e) => e.id)
  const put = record.entries.filter((e) => known.get(e.id) !== e)
  const rebuilt = upsertAll(before.entries.filter((e) => ids.has(e.id)), put)
  if (rebuilt.length === record.entries.length && rebuilt.every((e, i) => e.id === record.entries[i].id)) {
    if (remove.length) line.remove = remove
    if (put.length) line.put = put
  } else {
    line.entries = record.entries
  }

  const from = before.messages.length
  const grown = record.messages.length >= from && before.messages.every((m, i) => record.messages[i] === m)
  if (!grown) line.messages = { from: 0, items: record.messages }
  else if (record.messages.length > from) line.messages = { from, items: record.messages.slice(from) }

  return line.set || line.put || line.remove || line.entries || line.messages ? line : null
}

function applyChange(record: ConversationRecord, line: ChangeLine): ConversationRecord {
  const next: ConversationRecord = { ...record, ...line.set }
  if (line.entries) next.entries = line.entries
  else if (line.put || line.remove) {
    const removed = new Set(line.remove ?? [])
    next.entries = upsertAll(record.entries.filter((e) => !removed.has(e.id)), line.put ?? [])
  }
  if (line.messages) next.messages = [...record.messages.slice(0, line.messages.from), ...line.messages.items]
  return next
}

function upsertAll(entries: Entry[], put: Entry[]): Entry[] {
  const out = [...entries]
  const index = new Map(out.map((e, i) => [e.id, i]))
  for (const entry of put) {
    const i = index.get(entry.id)
    if (i === undefined) {
      index.set(entry.id, out.length)
      out.push(entry)
    } else out[i] = entry
  }
  return out
}

export function summaryOf(c: ConversationRecord): ConversationSummary {
  return { id: c.id, title: c.title, principal: c.principal, createdAt: c.createdAt, updatedAt: c.updatedAt, status: c.status }
}

export function viewOf(c: ConversationRecord): ConversationView {
  return { ...summaryOf(c), entries: c.entries }
}

export function upsertEntry(c: ConversationRecord, entry: Entry): void {
  const i = c.entries.findIndex((e) => e.id === entry.id)
  if (i >= 0) c.entries[i] = entry
  else c.entries.push(entry)
}

const storedConversationSchema = z.object({
  id: z.string().regex(/^[0-9a-f-]{36}$/),
  title: z.string(),
  principal: z.string().min(1),
  createdAt: z.number(),
  updatedAt: z.number(),
  status: conversationStatusSchema,
  entries: z.array(entrySchema),
  messages: z.array(z.looseObject({ role: z.enum(['system', 'user', 'assistant', 'tool']) })),
  openStep: z
    .object({
      calls: z.array(z.object({ toolCallId: z.string(), toolName: z.string() })),
      results: z.record(z.string(), z.looseObject({ type: z.literal('tool-result'), toolCallId: z.string() }))
    })
    .nullable()
})

/** A conversation as stored, checked; null when it cannot be used. Saved under a bare user id: held for that user's principal. */
function parseConversation(raw: unknown): ConversationRecord | null {
  const candidate = withLegacyOwner(raw)
  const parsed = storedConversationSchema.safeParse(candidate)
  // The record as read (not zod's copy), so what the journal holds and what memory holds are the same objects.
  return parsed.success ? (candidate as ConversationRecord) : null
}
