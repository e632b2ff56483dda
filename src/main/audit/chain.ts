// The audit log as a hash chain. Each line is `{"seq":N,"prev":"<hash>",…entry…,"chain":"<hash>"}`
// where `chain` is the SHA-256 of the line's text without its `chain` field, and `prev` is the
// previous entry's `chain`. Editing any byte of an entry changes its hash; deleting, inserting or
// reordering entries breaks a `prev`. The check works on the exact bytes written, never on a
// re-serialisation, so no JSON canonicalisation is involved.
import * as crypto from 'node:crypto'
import type { AuditEntry } from './entries'

export const GENESIS = '0'.repeat(64)

const HEX64 = /^[0-9a-f]{64}$/
const TAIL = ',"chain":"'
/** `,"chain":"` + 64 hex digits + `"}` */
const TAIL_LENGTH = TAIL.length + 64 + 2
const oneShot = (crypto as { hash?: (algorithm: string, data: string | Buffer, encoding: 'hex') => string }).hash

export function sha256(text: string | Buffer): string {
  // The one-shot form (Node 20.12+) is markedly faster for the many short lines of a check.
  return oneShot ? oneShot('sha256', text, 'hex') : crypto.createHash('sha256').update(text).digest('hex')
}

/** The line (without newline) that records `entry` as number `seq` after the entry whose hash is `prev`. */
export function chainLine(entry: AuditEntry, seq: number, prev: string): { line: string; hash: string } {
  const body = JSON.stringify({ seq, prev, ...entry })
  const hash = sha256(body)
  return { line: `${body.slice(0, -1)},"chain":"${hash}"}`, hash }
}

/** The chain fields of a line when it has the chained shape (its hash is not checked here). */
export function chainFieldsOf(line: string): { seq: number; prev: string; hash: string; body: string } | null {
  // {"seq":N,"prev":"<64 hex>",…,"chain":"<64 hex>"} — read by position: a regex over each long line costs more.
  if (!line.startsWith('{"seq":') || line.length < 7 + 1 + 9 + 64 + 1 + TAIL_LENGTH || !line.endsWith('"}')) return null
  const comma = line.indexOf(',', 7)
  if (comma < 8 || comma > 23) return null
  const seqText = line.slice(7, comma)
  if (!/^\d+$/.test(seqText)) return null
  if (!line.startsWith(',"prev":"', comma) || line[comma + 9 + 64] !== '"') return null
  const prev = line.slice(comma + 9, comma + 9 + 64)
  const tailAt = line.length - TAIL_LENGTH
  if (tailAt < comma + 9 + 65 || !line.startsWith(TAIL, tailAt)) return null
  const hash = line.slice(tailAt + TAIL.length, line.length - 2)
  if (!HEX64.test(prev) || !HEX64.test(hash)) return null
  return { body: `${line.slice(0, tailAt)}}`, seq: Number(seqText), prev, hash }
}

/** A line the chained format wrote (or a cut-short piece of one), as opposed to one from before the chain. */
function looksChained(line: string): boolean {
  return line.startsWith('{"seq":') || line.includes(',"chain":"')
}

function isJsonObject(line: string): boolean {
  try {
    const value: unknown = JSON.parse(line)
    return typeof value === 'object' && value !== null && !Array.isArray(value)
  } catch {
    return false
  }
}

export interface ChainBreak {
  /** 1-based line number in the file. */
  line: number
  /** The entry's number in the chain, when the line still shows one. */
  seq: number | null
  /** When the entry says it happened, when it can still be read. */
  at: number | null
  reason: 'altered' | 'unreadable' | 'missing-before' | 'out-of-order' | 'unchained-after-chain' | 'older-part-altered'
  /** In words, for the Activity screen. */
  message: string
}

export interface ChainReport {
  ok: boolean
  /** Lines that hold an entry (set-aside torn lines excluded). */
  entries: number
  /** Entries written before the log was chained: checked only as one block. */
  unchained: number
  /** When the first chained entry was written (what "before the chain" means). */
  chainedSince: number | null
  /** Lines a crash tore, set aside with a record of their exact bytes. */
  setAside: number
  /** The chain continues from entries archived to this file, when some were. */
  continuesFrom: { file: string; hash: string } | null
  firstBreak: ChainBreak | null
  lastHash: string | null
  lastSeq: number | null
}

function atOf(text: string): number | null {
  try {
    const value = (JSON.parse(text) as { at?: unknown }).at
    return typeof value === 'number' ? value : null
  } catch {
    const m = /"at":(\d{1,16})/.exec(text)
    return m ? Number(m[1]) : null
  }
}

/**
 * Checks every line of the log. Lines written before the chain (no `seq`/`prev`/`chain`) may come
 * only first; the first chained entry names the SHA-256 of their bytes (or GENESIS when there were
 * none, or the anchor an archive left). A line a crash tore is accepted only when the next entry
 * is the `set-aside` record of exactly its bytes.
 */
export function verifyChain(content: Buffer): ChainReport {
  const walk = checkChain(content)
  for (;;) {
    const step = walk.next()
    if (step.done) return step.value
  }
}

/**
 * The same check, giving the event loop a turn every few thousand lines: a long log is checked
 * whenever the Activity screen opens, and the app must go on answering (an approval, a page) meanwhile.
 */
export async function verifyChainInSlices(content: Buffer, pause: () => Promise<unknown>): Promise<ChainReport> {
  const walk = checkChain(content)
  for (;;) {
    const step = walk.next()
    if (step.done) return step.value
    await pause()
  }
}

/** Lines checked between two pauses of verifyChainInSlices (about 10 ms of work here). */
const LINES_PER_SLICE = 2_000

function* checkChain(content: Buffer): Generator<void, ChainReport> {
  const report: ChainReport = { ok: true, entries: 0, unchained: 0, chainedSince: null, setAside: 0, continuesFrom: null, firstBreak: null, lastHash: null, lastSeq: null }
  const text = content.toString('utf8')
  const lines = text.split('\n')
  if (lines.at(-1) === '') lines.pop()

  // The anchor an archive left: the newest `archived` entry names what the first entry continues from.
  let anchor: { file: string; hash: string } | null = null
  for (let i = lines.length - 1; i >= 0 && !anchor; i--) {
    if (!lines[i].includes('"event":"archived"')) continue
    const fields = chainFieldsOf(lines[i])
    if (!fields) continue
    try {
      const marker = JSON.parse(fields.body) as { event?: string; file?: string; continuesFrom?: string | null }
      if (marker.event === 'archived' && typeof marker.continuesFrom === 'string') anchor = { file: String(marker.file), hash: marker.continuesFrom }
    } catch {
      // an unreadable marker is reported where the walk meets it
    }
  }

  const fail = (b: Omit<ChainBreak, 'message'>, message: string): ChainReport => {
    report.ok = false
    report.firstBreak = { ...b, message }
    return report
  }

  let prefixBytes = 0
  let prev: string | null = null
  let seq: number | null = null
  let torn: { line: number; text: string } | null = null
  const unreadable = (t: { line: number; text: string }) =>
    fail({ line: t.line, seq: null, at: atOf(t.text), reason: 'unreadable' }, `Entry on line ${t.line} cannot be read: it was changed or cut short, and no record says a crash tore it.`)
  for (let i = 0; i < lines.length; i++) {
    if (i > 0 && i % LINES_PER_SLICE === 0) yield
    const line = lines[i]
    const number = i + 1
    const fields = chainFieldsOf(line)
    if (!fields) {
      if (torn) return unreadable(torn)
      if (prev === null && !looksChained(line)) {
        // Before the first chained entry: an entry from before the chain, or a line a crash tore then.
        prefixBytes += Buffer.byteLength(line) + 1
        if (isJsonObject(line)) {
          report.unchained++
          report.entries++
        } else {
          report.setAside++
        }
        continue
      }
      if (isJsonObject(line)) {
        return fail({ line: number, seq: null, at: atOf(line), reason: 'altered' }, `Entry on line ${number} was changed after it was written: it no longer carries a valid hash.`)
      }
      // Possibly a line a crash tore: the next entry must be the record of exactly these bytes.
      torn = { line: number, text: line }
      continue
    }

    // Read only where needed (JSON.parse of every line would double the check's cost).
    const at = (): number | null => atOf(fields.body)
    if (sha256(fields.body) !== fields.hash) {
      return fail({ line: number, seq: fields.seq, at: at(), reason: 'altered' }, `Entry ${fields.seq} (line ${number}) was changed after it was written: its content no longer matches its hash.`)
    }
    if (torn) {
      let record: { event?: string; tornSha256?: string } = {}
      try {
        record = JSON.parse(fields.body) as typeof record
      } catch {
        // not a set-aside record: the torn line is a break
      }
      if (record.event !== 'set-aside' || record.tornSha256 !== sha256(torn.text)) return unreadable(torn)
      report.setAside++
      torn = null
    }
    if (prev === null) {
      const expected = new Set([GENESIS])
      if (prefixBytes > 0) expected.add(sha256(content.subarray(0, prefixBytes)))
      if (anchor) expected.add(anchor.hash)
      if (!expected.has(fields.prev)) {
        if (prefixBytes > 0 && !anchor) {
          return fail({ line: number, seq: fields.seq, at: at(), reason: 'older-part-altered' }, `The ${report.unchained} older entries before line ${number}, written before the trail was chained, were changed, removed or added to.`)
        }
        return fail({ line: number, seq: fields.seq, at: at(), reason: 'missing-before' }, `Entries before entry ${fields.seq} (line ${number}) are missing: it names a predecessor that is not there.`)
      }
      if (anchor && fields.prev === anchor.hash && fields.prev !== GENESIS) report.continuesFrom = anchor
      report.chainedSince = at()
    } else {
      if (fields.prev !== prev) {
        return fail({ line: number, seq: fields.seq, at: at(), reason: 'missing-before' }, `The trail is broken just before entry ${fields.seq} (line ${number}): the entry before it was removed, replaced or moved.`)
      }
      if (seq !== null && fields.seq !== seq + 1) {
        return fail({ line: number, seq: fields.seq, at: at(), reason: 'out-of-order' }, `Entry ${fields.seq} (line ${number}) is out of order: entry ${seq + 1} was expected.`)
      }
    }
    report.entries++
    prev = fields.hash
    seq = fields.seq
  }
  // The running app closes and records a torn last line at start-up, so one found now was not torn by a crash.
  if (torn) return unreadable(torn)
  report.lastHash = prev
  report.lastSeq = seq
  return report
}
