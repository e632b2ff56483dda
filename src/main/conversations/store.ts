// Conversations, one file each in the user's data folder: what the user sees (entries), what the
// model sees (messages), and the tool calls of the current step still waiting for a result.
import { randomUUID } from 'node:crypto'
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs'
import { basename, join } from 'node:path'
import { z } from 'zod'
import { writeFileSync } from 'atomically'
import type { ModelMessage, ToolResultPart } from 'ai'
import { conversationStatusSchema, entrySchema, type ConversationStatus, type ConversationSummary, type ConversationView, type Entry } from '../../shared/domain'

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

export class ConversationStore {
  private readonly cache = new Map<string, ConversationRecord>()
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
      if (!/^[0-9a-f-]{36}\.json$/.test(file)) continue
      const path = join(this.dir, file)
      let raw: unknown
      try {
        raw = JSON.parse(readFileSync(path, 'utf8'))
      } catch {
        raw = undefined
      }
      const record = parseConversation(raw)
      if (record && `${record.id}.json` === file) {
        this.cache.set(record.id, record)
        continue
      }
      // Kept for inspection, never silently overwritten; the person is told which conversation.
      const movedTo = path.replace(/\.json$/, `.corrupt-${Date.now()}.json`)
      renameSync(path, movedTo)
      const title = raw && typeof raw === 'object' && typeof (raw as { title?: unknown }).title === 'string' ? (raw as { title: string }).title : null
      this.onCorrupt?.(
        `${title ? `The conversation "${title}"` : 'A conversation'} could not be read and was set aside (conversations/${basename(movedTo)}). Other conversations are not affected.`
      )
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
    this.save(record)
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

  /** Gives conversations saved under a bare CRM user id to that user's principal (see identity-migration.ts). */
  claimLegacy(bareUserId: string, principal: string): void {
    for (const record of [...this.cache.values()].filter((c) => c.principal === `legacy:${bareUserId}`)) {
      this.save({ ...record, principal })
    }
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

  /** Every change is already on disk when `update` returns (nothing is held back to flush). */
  flush(): void {}

  /** Durable writes (each one atomic replace with fsync) since start: for tests and the benchmark. */
  get durableWrites(): number {
    return this.writes
  }

  private save(record: ConversationRecord): void {
    this.writes++
    writeFileSync(join(this.dir, `${record.id}.json`), JSON.stringify(record), { mode: 0o600 })
    this.cache.set(record.id, record)
  }
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
  const candidate =
    raw && typeof raw === 'object' && !('principal' in raw) && typeof (raw as { userId?: unknown }).userId === 'string'
      ? (({ userId, ...rest }) => ({ ...rest, principal: `legacy:${userId}` }))(raw as Record<string, unknown> & { userId: string })
      : raw
  const parsed = storedConversationSchema.safeParse(candidate)
  return parsed.success ? (parsed.data as unknown as ConversationRecord) : null
}
