// Retention: entries older than the setting move to a dated archive file beside the log, never
// silently dropped. The live log then starts with the first entry kept, and ends with an
// `archived` entry naming the file and carrying the chain's last archived hash, so the chain
// still checks from the archive into the live log. Both files are written whole and fsync'd
// before the live one is swapped in by rename: a crash leaves the old log or the new, never half.
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs'
import { basename, dirname, join } from 'node:path'
import type { AuditLog } from './audit-log'
import { chainFieldsOf, chainLine, sha256 } from './chain'

export const DEFAULT_RETENTION_DAYS = 365

export interface ArchiveResult {
  file: string
  count: number
  firstAt: number | null
  lastAt: number | null
  lastHash: string | null
}

function atOf(line: string): number | null {
  const m = /"at":(\d{1,16})[,}]/.exec(line)
  return m ? Number(m[1]) : null
}

function day(at: number | null): string {
  return at === null ? 'unknown' : new Date(at).toISOString().slice(0, 10)
}

function writeWhole(path: string, data: Buffer): void {
  const fd = openSync(path, 'w', 0o600)
  try {
    let offset = 0
    while (offset < data.length) offset += writeSync(fd, data, offset, data.length - offset)
    fsyncSync(fd)
  } finally {
    closeSync(fd)
  }
}

/** Moves every entry older than `cutoff` (the longest run of them from the start) to an archive file. */
export function archiveOlderThan(log: AuditLog, cutoff: number, now: number): ArchiveResult | null {
  if (!existsSync(log.file)) return null
  const content = readFileSync(log.file)
  const lines = content.toString('utf8').split('\n')
  if (lines.at(-1) === '') lines.pop()

  let cut = 0
  let bytes = 0
  let firstAt: number | null = null
  let lastAt: number | null = null
  let lastHash: string | null = null
  for (const line of lines) {
    const at = atOf(line)
    // A line with no readable time (a torn piece) goes with its neighbours before it.
    if (at !== null && at >= cutoff) break
    if (at !== null) {
      firstAt ??= at
      lastAt = at
    }
    const fields = chainFieldsOf(line)
    if (fields) lastHash = fields.hash
    bytes += Buffer.byteLength(line) + 1
    cut++
  }
  // Never archive only the housekeeping of an earlier archive.
  if (cut === 0 || lines.slice(0, cut).every((l) => l.includes('"event":"archived"'))) return null

  const archived = content.subarray(0, bytes)
  const kept = content.subarray(bytes)
  const dir = join(dirname(log.file), 'archive')
  mkdirSync(dir, { recursive: true, mode: 0o700 })
  const stem = `${basename(log.file, '.jsonl')}-${day(firstAt)}-to-${day(lastAt)}`
  let file = join(dir, `${stem}.jsonl`)
  for (let n = 2; existsSync(file); n++) {
    // The same entries archived before a crash stopped the swap: that file already holds them.
    if (sha256(readFileSync(file)) === sha256(archived)) break
    file = join(dir, `${stem}-${n}.jsonl`)
  }
  if (!existsSync(file)) {
    writeWhole(`${file}.tmp`, archived)
    renameSync(`${file}.tmp`, file)
  }

  // What the first chained entry kept names as its predecessor: the anchor the check starts from.
  const keptLines = kept.toString('utf8').split('\n')
  const firstKept = keptLines.map(chainFieldsOf).find((f) => f !== null)
  const head = log.head()
  const continuesFrom = firstKept ? firstKept.prev : head.hash
  const marker = chainLine(
    { at: now, event: 'archived', principal: '', file: basename(file), count: cut, firstAt, lastAt, lastHash, continuesFrom },
    head.nextSeq,
    head.hash
  )
  writeWhole(`${log.file}.tmp`, Buffer.concat([kept, Buffer.from(marker.line + '\n')]))
  renameSync(`${log.file}.tmp`, log.file)
  log.reopen()
  return { file, count: cut, firstAt, lastAt, lastHash }
}
