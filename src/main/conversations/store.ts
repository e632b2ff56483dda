// Conversations, one file each in the user's data folder: what the user sees (entries), what the
// model sees (messages), and the tool calls of the current step still waiting for a result.
import { randomUUID } from 'node:crypto'
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { writeFileSync } from 'atomically'
import type { ModelMessage, ToolResultPart } from 'ai'
import type { ConversationStatus, ConversationSummary, ConversationView, Entry } from '../../shared/domain'

export interface OpenStep {
  /** Tool calls the model made in its last step, in order. */
  calls: { toolCallId: string; toolName: string }[]
  /** Results gathered so far; the loop continues once every call has one. */
  results: Record<string, ToolResultPart>
}

export interface ConversationRecord {
  id: string
  title: string
  userId: string
  createdAt: number
  updatedAt: number
  status: ConversationStatus
  entries: Entry[]
  messages: ModelMessage[]
  openStep: OpenStep | null
}

export class ConversationStore {
  private readonly cache = new Map<string, ConversationRecord>()
  private readonly dir: string

  constructor(
    dataDir: string,
    private readonly clock: () => number,
    private readonly onCorrupt?: (movedTo: string) => void
  ) {
    this.dir = join(dataDir, 'conversations')
    mkdirSync(this.dir, { recursive: true })
    for (const file of readdirSync(this.dir)) {
      if (!/^[0-9a-f-]{36}\.json$/.test(file)) continue
      const path = join(this.dir, file)
      try {
        const record = JSON.parse(readFileSync(path, 'utf8')) as ConversationRecord
        this.cache.set(record.id, record)
      } catch {
        const movedTo = path.replace(/\.json$/, `.corrupt-${Date.now()}.json`)
        renameSync(path, movedTo)
        this.onCorrupt?.(movedTo)
      }
    }
  }

  create(userId: string): ConversationRecord {
    const now = this.clock()
    const record: ConversationRecord = {
      id: randomUUID(),
      title: 'New conversation',
      userId,
      createdAt: now,
      updatedAt: now,
      status: 'idle',
      entries: [],
      messages: [],
      openStep: null
    }
    this.save(record)
    return record
  }

  get(id: string): ConversationRecord | undefined {
    return this.cache.get(id)
  }

  list(userId?: string): ConversationRecord[] {
    return [...this.cache.values()]
      .filter((c) => !userId || c.userId === userId)
      .sort((a, b) => b.updatedAt - a.updatedAt)
  }

  /** Applies `change` to a copy and writes it atomically before anyone sees the new state. */
  update(id: string, change: (draft: ConversationRecord) => void): ConversationRecord {
    const current = this.cache.get(id)
    if (!current) throw new Error(`No conversation ${id}`)
    const draft = structuredClone(current)
    change(draft)
    draft.updatedAt = this.clock()
    this.save(draft)
    return draft
  }

  /** Keeps a streaming entry current in memory without a disk write per token. */
  updateInMemory(id: string, change: (draft: ConversationRecord) => void): ConversationRecord {
    const current = this.cache.get(id)
    if (!current) throw new Error(`No conversation ${id}`)
    change(current)
    return current
  }

  /** Deletes a conversation's file. Callers check that nothing in it is still in play. */
  remove(id: string): void {
    rmSync(join(this.dir, `${id}.json`), { force: true })
    this.cache.delete(id)
  }

  private save(record: ConversationRecord): void {
    writeFileSync(join(this.dir, `${record.id}.json`), JSON.stringify(record), { mode: 0o600 })
    this.cache.set(record.id, record)
  }
}

export function summaryOf(c: ConversationRecord): ConversationSummary {
  return { id: c.id, title: c.title, userId: c.userId, createdAt: c.createdAt, updatedAt: c.updatedAt, status: c.status }
}

export function viewOf(c: ConversationRecord): ConversationView {
  return { ...summaryOf(c), entries: c.entries }
}

export function upsertEntry(c: ConversationRecord, entry: Entry): void {
  const i = c.entries.findIndex((e) => e.id === entry.id)
  if (i >= 0) c.entries[i] = entry
  else c.entries.push(entry)
}
