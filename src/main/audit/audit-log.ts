// Append-only audit trail: every decision and execution, who, when, what (hash), provider and
// model, outcome, and what the assistant was asked and did for each request. One JSON object per
// line in the user's data folder, each line chained to the one before it (chain.ts), so an edit is
// detectable. Never secrets. A decision or execution is on disk (fdatasync) before `append`
// returns. An activity line (what was asked, each model step, each read) is written at once and
// synced with the next decision or within SOON_MS: the written line survives the app being killed,
// and since a sync covers every line before it, a power cut can only take the newest activity lines,
// never one before a decision, and never leaves a gap in the chain.
import { legacyOwner } from '../accounts/identity-migration'
import { appendFileSync, closeSync, existsSync, fdatasyncSync, fstatSync, fsyncSync, mkdirSync, openSync, readFileSync, readSync, writeSync } from 'node:fs'
import { dirname } from 'node:path'
import { chainFieldsOf, chainLine, GENESIS, sha256, verifyChain, verifyChainInSlices, type ChainReport } from './chain'
import { isActionEvent, type AuditEntry, type AuditEvent, type LoggedEntry } from './entries'

export type { AuditEvent } from './entries'

const HEAD_TAIL_BYTES = 256 * 1024
/** At most this long between an activity line being written and being synced to disk. */
export const SOON_MS = 200

/** `now`: on disk before `append` returns (decisions, executions); `soon`: within SOON_MS (activity). */
export type Durability = 'now' | 'soon'

export class AuditLog {
  private lastHash = GENESIS
  private nextSeq = 1
  private readonly listeners = new Set<(entry: LoggedEntry) => void>()
  /** Goes up when the file is rewritten (archiving), so readers that follow appends start over. */
  generation = 0
  /** A `soon` line is written and waits for its sync (the timer, the next `now` line, or close). */
  private syncTimer: NodeJS.Timeout | null = null
  /** Syncs a caller waited for: one per decision or execution line (the benchmark and tests count them). */
  durableWrites = 0
  /** Syncs of activity lines alone, by the timer or at shutdown, which nobody waits for. */
  backgroundSyncs = 0

  constructor(
    readonly file: string,
    private readonly clock: () => number = Date.now
  ) {
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 })
    const torn = this.endTornLine()
    this.findHead(torn)
  }

  /** A crash mid-append leaves a line without its newline; close it so the next event stands alone. */
  private endTornLine(): boolean {
    if (!existsSync(this.file)) return false
    const fd = openSync(this.file, 'r+')
    try {
      const size = fstatSync(fd).size
      if (size === 0) return false
      const last = Buffer.alloc(1)
      readSync(fd, last, 0, 1, size - 1)
      if (last[0] !== 0x0a) {
        writeSync(fd, '\n', size)
        fsyncSync(fd)
        return true
      }
      return false
    } finally {
      closeSync(fd)
    }
  }

  /**
   * Where the chain goes on: after the last chained entry. A log from before the chain is one block
   * the first chained entry names by its SHA-256; a torn chained line (a crash mid-append) is set
   * aside with a record of its exact bytes, so a check can tell it from an edit.
   */
  private findHead(tornJustNow: boolean): void {
    if (!existsSync(this.file)) return
    let { text, complete } = this.tail(HEAD_TAIL_BYTES)
    let lines = text.split('\n').slice(0, -1)
    let lastChained = lines.findLastIndex((l) => chainFieldsOf(l) !== null)
    if (lastChained < 0 && !complete) {
      text = readFileSync(this.file, 'utf8')
      complete = true
      lines = text.split('\n').slice(0, -1)
      lastChained = lines.findLastIndex((l) => chainFieldsOf(l) !== null)
    }
    const tornLine = tornJustNow ? lines.at(-1) : undefined
    const tornChained = tornLine !== undefined && (tornLine.startsWith('{"seq":') || tornLine.includes(',"chain":"')) && chainFieldsOf(tornLine) === null
    if (lastChained >= 0) {
      const head = chainFieldsOf(lines[lastChained])!
      this.lastHash = head.hash
      this.nextSeq = head.seq + 1
    } else {
      // No chained entry yet: everything before (older entries, a torn first line excluded) is one block.
      const bytes = readFileSync(this.file)
      const prefix = tornChained ? bytes.subarray(0, bytes.length - Buffer.byteLength(tornLine!) - 1) : bytes
      this.lastHash = prefix.length > 0 ? sha256(prefix) : GENESIS
    }
    if (tornChained) {
      this.append({
        at: this.clock(),
        event: 'set-aside',
        principal: '',
        detail: 'a line cut short when the app stopped mid-write; kept as it was and left out of the trail',
        tornSha256: sha256(tornLine!),
        tornBytes: Buffer.byteLength(tornLine!)
      })
    }
  }

  private tail(bytes: number): { text: string; complete: boolean } {
    const fd = openSync(this.file, 'r')
    try {
      const size = fstatSync(fd).size
      const start = Math.max(0, size - bytes)
      const buffer = Buffer.alloc(size - start)
      readSync(fd, buffer, 0, buffer.length, start)
      let text = buffer.toString('utf8')
      if (start > 0) text = text.slice(text.indexOf('\n') + 1) // the first line may be cut
      return { text, complete: start === 0 }
    } finally {
      closeSync(fd)
    }
  }

  append(entry: AuditEntry, durability: Durability = 'now'): LoggedEntry {
    const seq = this.nextSeq
    const { line, hash } = chainLine(entry, seq, this.lastHash)
    const fd = openSync(this.file, 'a', 0o600)
    try {
      appendFileSync(fd, line + '\n')
      // One sync covers every line written before it, `soon` ones included.
      if (durability === 'now') {
        fdatasyncSync(fd)
        this.durableWrites++
        this.cancelSync()
      } else {
        this.syncTimer ??= setTimeout(() => this.syncLater(), SOON_MS).unref()
      }
    } finally {
      closeSync(fd)
    }
    this.lastHash = hash
    this.nextSeq = seq + 1
    const logged: LoggedEntry = { ...entry, seq }
    for (const listener of this.listeners) listener(logged)
    return logged
  }

  /** Syncs lines written `soon` now (at shutdown; the timer does it otherwise). */
  flush(): void {
    if (!this.cancelSync() || !existsSync(this.file)) return
    // For appending: Windows syncs only a handle that may write.
    const fd = openSync(this.file, 'a', 0o600)
    try {
      fdatasyncSync(fd)
      this.backgroundSyncs++
    } finally {
      closeSync(fd)
    }
  }

  private syncLater(): void {
    try {
      this.flush()
    } catch {
      // The lines are written; a sync that fails here (the folder gone, a full disk) fails again,
      // and is reported, on the next decision's line, which the caller waits for.
    }
  }

  /** True when a sync was waiting. */
  private cancelSync(): boolean {
    if (!this.syncTimer) return false
    clearTimeout(this.syncTimer)
    this.syncTimer = null
    return true
  }

  /** Called with every entry appended from now on (the Activity index keeps itself current). */
  onAppend(listener: (entry: LoggedEntry) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  /**
   * The action events in the last `bytes` of the log; `complete` when that is the whole log, and
   * then `archivedThrough`: the time of the newest entry moved to an archive (null when none was).
   */
  readTail(bytes: number): { events: AuditEvent[]; complete: boolean; archivedThrough: number | null } {
    if (!existsSync(this.file)) return { events: [], complete: true, archivedThrough: null }
    const { text, complete } = this.tail(bytes)
    const entries = parseLines(text.split('\n')).map(withoutSeq)
    let archivedThrough: number | null = null
    for (const e of entries) if (e.event === 'archived' && e.lastAt !== null) archivedThrough = Math.max(archivedThrough ?? e.lastAt, e.lastAt)
    return { events: entries.filter(isActionEvent), complete, archivedThrough }
  }

  /** Every action event (decisions and executions), in order. */
  read(): AuditEvent[] {
    return this.readAll().map(withoutSeq).filter(isActionEvent)
  }

  /** Every readable entry of every kind, in order, with its line number and place in the chain. */
  readAll(): LoggedEntry[] {
    if (!existsSync(this.file)) return []
    return parseLines(readFileSync(this.file, 'utf8').split('\n'))
  }

  /**
   * The same entries from one read of the file, parsed a slice of lines at a time, so a long log
   * can be read between other work. Entries appended after the first slice is asked for are not in it.
   */
  *readInSlices(linesPerSlice = 2_000): Generator<LoggedEntry[], void> {
    if (!existsSync(this.file)) return
    const lines = readFileSync(this.file, 'utf8').split('\n')
    for (let i = 0; i < lines.length; i += linesPerSlice) yield parseLines(lines.slice(i, i + linesPerSlice))
  }

  /** Checks the whole chain (chain.ts): whether, and where, the file was edited. */
  verify(): ChainReport {
    return verifyChain(this.contents())
  }

  /** The same check, in slices with a turn of the event loop between them (the Activity screen's). */
  verifyInSlices(): Promise<ChainReport> {
    return verifyChainInSlices(this.contents(), () => new Promise((resolve) => setImmediate(resolve)))
  }

  private contents(): Buffer {
    return existsSync(this.file) ? readFileSync(this.file) : Buffer.alloc(0)
  }

  /** After the file was rewritten (archiving): where the chain goes on. */
  reopen(): void {
    this.generation++
    this.lastHash = GENESIS
    this.nextSeq = 1
    this.findHead(false)
  }

  /** The hash the next entry will name as its predecessor, and its number. */
  head(): { hash: string; nextSeq: number } {
    return { hash: this.lastHash, nextSeq: this.nextSeq }
  }
}

function withoutSeq(entry: LoggedEntry): AuditEntry {
  const { seq: _seq, prev: _prev, chain: _chain, ...rest } = entry as LoggedEntry & { prev?: string; chain?: string }
  return rest
}

function parseLines(lines: string[]): LoggedEntry[] {
  const out: LoggedEntry[] = []
  for (const line of lines) {
    if (!line) continue
    try {
      // The chain's own fields (prev, chain) are left on the object: deleting them would slow every
      // later read of it, and every reader takes the fields it knows by name.
      const entry = JSON.parse(line) as Record<string, unknown>
      if (!entry || typeof entry !== 'object' || typeof entry.event !== 'string') continue
      // Lines written before identities were principals carry the bare CRM user id.
      if (entry.principal === undefined && entry.userId !== undefined) entry.principal = legacyOwner(String(entry.userId))
      out.push(entry as unknown as LoggedEntry)
    } catch {
      // a torn line after a crash is skipped, never fatal
    }
  }
  return out
}
