// An append-only journal: one JSON value per line, each line prefixed by its CRC-32, made durable
// by one write and one fdatasync. A change costs what it writes, whatever the file already holds.
//
// Crash safety: a line is acknowledged only once its fdatasync returns, so a crash can leave at
// most one torn line, at the end. Reading drops a damaged last line (it was never acknowledged) and
// cuts the file back to the last whole line before anything is appended after it. A damaged line
// with whole lines after it is real damage, not a crash: the file is copied aside for inspection,
// the caller is told, and the whole lines are kept.
import { closeSync, copyFileSync, existsSync, fdatasyncSync, fstatSync, fsyncSync, ftruncateSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs'
import { crc32 } from 'node:zlib'
import { dirname } from 'node:path'

export interface JournalReadResult<T> {
  /** The whole, verified lines, oldest first. */
  records: T[]
  /** Bytes of whole lines; anything after this offset is a torn tail. */
  validBytes: number
  /** Lines that failed their checksum with whole lines after them (real damage, not a crash). */
  damaged: number
}

/**
 * One line: 8 hex digits of CRC-32 over the JSON, a space, the JSON, a newline. The JSON is kept
 * to ASCII (other characters as \\u escapes, which parse back to the same string), so a reader
 * can take byte offsets as character offsets and decode a whole journal at once.
 */
export function encodeLine(value: unknown): string {
  const json = JSON.stringify(value).replace(NON_ASCII, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
  return `${checksum(json)} ${json}\n`
}

const NON_ASCII = /[\u0080-\uffff]/g

function checksum(json: string): string {
  return crc32(json).toString(16).padStart(8, '0')
}

/** Reads and verifies a journal's lines. A missing file is an empty journal. */
export function readJournal<T>(path: string): JournalReadResult<T> {
  if (!existsSync(path)) return { records: [], validBytes: 0, damaged: 0 }
  const bytes = readFileSync(path)
  // Lines are ASCII (see encodeLine): one decode for the whole file, byte offsets = char offsets.
  // A byte outside ASCII can only be damage; such a file is read line by line instead.
  const text = bytes.toString('latin1')
  const ascii = !/[\x80-\xff]/.test(text)
  const records: T[] = []
  let validBytes = 0
  let damaged = 0
  let pendingDamage = 0
  let start = 0
  while (start < bytes.length) {
    const end = bytes.indexOf(10, start)
    if (end < 0) break // no newline: a torn last line
    const value = parseLine<T>(bytes, ascii ? text : null, start, end)
    start = end + 1
    if (value === undefined) {
      pendingDamage++
      continue
    }
    // A bad line followed by a good one was not the crash's torn tail.
    damaged += pendingDamage
    pendingDamage = 0
    records.push(value.record)
    validBytes = start
  }
  return { records, validBytes, damaged }
}

/** Checks the line's CRC over its bytes (nothing is decoded to reject it), then parses it. */
function parseLine<T>(bytes: Buffer, text: string | null, start: number, end: number): { record: T } | undefined {
  if (end - start < 10 || bytes[start + 8] !== 32) return undefined
  const expected = Number.parseInt(bytes.toString('latin1', start, start + 8), 16)
  if (!Number.isInteger(expected) || crc32(bytes.subarray(start + 9, end)) !== expected) return undefined
  try {
    return { record: JSON.parse(text ? text.slice(start + 9, end) : bytes.toString('utf8', start + 9, end)) as T }
  } catch {
    return undefined
  }
}

/**
 * Reads a journal before appending to it: creates it (and makes its directory entry durable) if
 * missing, cuts a torn tail so new lines start clean, and copies real damage aside, reporting it
 * through `onDamage`. Returns the whole lines' values, oldest first.
 */
export function loadJournal<T>(path: string, onDamage?: (copiedTo: string) => void): { records: T[]; damaged: number } {
  mkdirSync(dirname(path), { recursive: true })
  if (!existsSync(path)) {
    closeSync(openSync(path, 'a', 0o600))
    syncDirectory(dirname(path))
    return { records: [], damaged: 0 }
  }
  const read = readJournal<T>(path)
  if (read.damaged > 0) {
    const copy = `${path}.corrupt-${Date.now()}`
    copyFileSync(path, copy)
    onDamage?.(copy)
  }
  truncateJournal(path, read.validBytes)
  return { records: read.records, damaged: read.damaged }
}

/**
 * Replaces `path` with a journal holding `values`, atomically: a temporary file is written and
 * fsync'd, renamed over the target, and the directory fsync'd. Used for compaction.
 */
export function writeJournalAtomically(path: string, values: unknown[]): void {
  mkdirSync(dirname(path), { recursive: true })
  const tmp = `${path}.tmp-${process.pid}`
  const fd = openSync(tmp, 'w', 0o600)
  try {
    writeLines(fd, values)
    fsyncSync(fd)
  } finally {
    closeSync(fd)
  }
  renameSync(tmp, path)
  syncDirectory(dirname(path))
}

export function removeFile(path: string): void {
  rmSync(path, { force: true })
}

/** Makes a create, rename or delete in `dir` durable (a no-op where directories cannot be opened). */
export function syncDirectory(dir: string): void {
  let fd: number
  try {
    fd = openSync(dir, 'r')
  } catch {
    return
  }
  try {
    fsyncSync(fd)
  } catch {
    // Some platforms (Windows) refuse fsync on a directory; rename there is already durable.
  } finally {
    closeSync(fd)
  }
}

/**
 * Appends values as lines to a journal and returns once they are on disk: one write, one
 * fdatasync. The file is opened per append (O_APPEND) rather than held: an open and a close cost
 * microseconds beside the fdatasync, and no descriptor outlives the call.
 */
export function appendToJournal(path: string, values: unknown[]): void {
  const fd = openSync(path, 'a', 0o600)
  try {
    writeLines(fd, values)
    fdatasyncSync(fd)
  } finally {
    closeSync(fd)
  }
}

/** Cuts a torn tail found by readJournal (the file beyond `validBytes`), so the next append starts on a clean line. */
export function truncateJournal(path: string, validBytes: number): void {
  const fd = openSync(path, 'r+')
  try {
    if (fstatSync(fd).size !== validBytes) {
      ftruncateSync(fd, validBytes)
      fdatasyncSync(fd)
    }
  } finally {
    closeSync(fd)
  }
}

/** The values as checksummed lines, in one buffer, written whole (a write may take only part). */
function writeLines(fd: number, values: unknown[]): void {
  const buffer = Buffer.from(values.map(encodeLine).join(''), 'utf8')
  let offset = 0
  while (offset < buffer.length) offset += writeSync(fd, buffer, offset, buffer.length - offset)
}
