// The audit log as a hash chain: any edit, deletion, insertion or reordering is found, and said
// where; a crash's torn line is set aside, not a break; a log from before the chain still loads and
// the chain starts after it; archiving carries the chain's last hash over.
import { appendFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { AuditLog, type AuditEvent } from '../../../src/main/audit/audit-log'
import { verifyChain, verifyChainInSlices } from '../../../src/main/audit/chain'
import { archiveOlderThan } from '../../../src/main/audit/retention'

const dirs: string[] = []
afterEach(() => {
  while (dirs.length) rmSync(dirs.pop()!, { recursive: true, force: true })
})
function file(): string {
  const d = mkdtempSync(join(tmpdir(), 'countersign-chain-'))
  dirs.push(d)
  return join(d, 'audit', 'audit.jsonl')
}

const DAY = 86_400_000
function event(i: number, overrides: Partial<AuditEvent> = {}): AuditEvent {
  return { at: 1_700_000_000_000 + i * DAY, event: 'decided', actionId: `a${i}`, ability: 'update_record', hash: 'ab'.repeat(32), principal: 'p-ann', provider: 'demo', model: 'm', outcome: 'approved', ...overrides }
}
function logWith(f: string, n: number): AuditLog {
  const log = new AuditLog(f)
  for (let i = 1; i <= n; i++) log.append(event(i))
  return log
}
const lines = (f: string) => readFileSync(f, 'utf8').split('\n').filter(Boolean)
const write = (f: string, ls: string[]) => writeFileSync(f, ls.map((l) => l + '\n').join(''))

describe('hash chain', () => {
  it('a log as written checks whole, and every entry names the one before it', () => {
    const f = file()
    const log = logWith(f, 5)
    const report = log.verify()
    expect(report).toMatchObject({ ok: true, entries: 5, unchained: 0, setAside: 0, firstBreak: null, lastSeq: 5 })
    const parsed = lines(f).map((l) => JSON.parse(l))
    for (let i = 1; i < parsed.length; i++) expect(parsed[i].prev).toBe(parsed[i - 1].chain)
  })

  it('changing any single byte of any entry is reported at that entry', () => {
    const f = file()
    logWith(f, 4)
    const original = readFileSync(f)
    const starts = [0]
    for (let i = 0; i < original.length; i++) if (original[i] === 0x0a && i + 1 < original.length) starts.push(i + 1)
    // Every byte of the third line (but its newline), each changed on its own.
    const from = starts[2]
    const to = starts[3] - 1
    for (let at = from; at < to; at++) {
      const copy = Buffer.from(original)
      copy[at] = copy[at] === 0x41 ? 0x42 : 0x41
      const report = verifyChain(copy)
      expect(report.ok, `byte ${at - from} of line 3`).toBe(false)
      expect(report.firstBreak!.line, `byte ${at - from} of line 3`).toBe(3)
    }
  })

  it('a deleted, inserted or reordered entry breaks the chain where it happened', () => {
    const f = file()
    logWith(f, 5)
    const all = lines(f)
    const deleted = verifyChain(Buffer.from([...all.slice(0, 2), ...all.slice(3)].join('\n') + '\n'))
    expect(deleted.firstBreak).toMatchObject({ line: 3, seq: 4, reason: 'missing-before' })
    const swapped = verifyChain(Buffer.from([all[0], all[2], all[1], all[3], all[4]].join('\n') + '\n'))
    expect(swapped.firstBreak).toMatchObject({ line: 2, reason: 'missing-before' })
    const inserted = verifyChain(Buffer.from([all[0], JSON.stringify(event(9)), ...all.slice(1)].join('\n') + '\n'))
    expect(inserted.firstBreak).toMatchObject({ line: 2, reason: 'altered' })
    const firstGone = verifyChain(Buffer.from(all.slice(1).join('\n') + '\n'))
    expect(firstGone.firstBreak).toMatchObject({ line: 1, seq: 2, reason: 'missing-before' })
    expect(firstGone.firstBreak!.message).toMatch(/missing/)
  })

  it('a line a crash tore is set aside on reopen, and the chain goes on after it', () => {
    const f = file()
    logWith(f, 2)
    appendFileSync(f, '{"seq":3,"prev":"abc')
    const reopened = new AuditLog(f)
    reopened.append(event(3))
    expect(reopened.read().map((e) => e.actionId)).toEqual(['a1', 'a2', 'a3'])
    expect(reopened.verify()).toMatchObject({ ok: true, setAside: 1, entries: 4 })
    // A cut-short line with no such record is a break.
    const all = lines(f)
    const forged = verifyChain(Buffer.from([all[0], all[1], all[2], ...all.slice(4)].join('\n') + '\n'))
    expect(forged.firstBreak).toMatchObject({ line: 3, reason: 'unreadable' })
  })

  it('a torn very first entry is set aside too', () => {
    const f = file()
    new AuditLog(f)
    appendFileSync(f, '{"seq":1,"prev":"0000')
    const log = new AuditLog(f)
    log.append(event(1))
    expect(log.verify()).toMatchObject({ ok: true, setAside: 1 })
  })

  it('a log from before the chain still loads; the chain starts after it and the older part is said to be unchained', () => {
    const f = file()
    new AuditLog(f)
    write(f, [JSON.stringify({ ...event(1), principal: undefined, userId: 'u-1' }), JSON.stringify(event(2))])
    const log = new AuditLog(f)
    log.append(event(3))
    expect(log.read().map((e) => e.actionId)).toEqual(['a1', 'a2', 'a3'])
    expect(log.read()[0].principal).toBe('legacy:u-1')
    const report = log.verify()
    expect(report).toMatchObject({ ok: true, unchained: 2, entries: 3 })
    expect(report.chainedSince).toBe(event(3).at)
    // The older part is covered as one block: editing it is found at the first chained entry.
    const all = lines(f)
    const edited = verifyChain(Buffer.from([all[0].replace('approved', 'declined'), all[1], all[2]].join('\n') + '\n'))
    expect(edited.firstBreak).toMatchObject({ line: 3, reason: 'older-part-altered' })
  })

  it('an entry without a hash after chained ones is an edit', () => {
    const f = file()
    logWith(f, 2)
    appendFileSync(f, JSON.stringify(event(3)) + '\n')
    expect(verifyChain(readFileSync(f)).firstBreak).toMatchObject({ line: 3, reason: 'altered' })
  })
})

describe('retention', () => {
  it('archives entries older than the cutoff to a dated file and carries the last hash over', () => {
    const f = file()
    const log = logWith(f, 6)
    const before = lines(f)
    const lastArchived = JSON.parse(before[2]).chain
    const result = archiveOlderThan(log, event(4).at, event(7).at)!
    expect(result.count).toBe(3)
    expect(result.lastHash).toBe(lastArchived)
    const archive = readdirSync(join(f, '..', 'archive'))
    expect(archive).toEqual([`audit-${new Date(event(1).at).toISOString().slice(0, 10)}-to-${new Date(event(3).at).toISOString().slice(0, 10)}.jsonl`])
    // Nothing lost: the archive holds the first three lines byte for byte.
    expect(readFileSync(join(f, '..', 'archive', archive[0]), 'utf8')).toBe(before.slice(0, 3).join('\n') + '\n')
    expect(log.read().map((e) => e.actionId)).toEqual(['a4', 'a5', 'a6'])
    const marker = JSON.parse(lines(f).at(-1)!)
    expect(marker).toMatchObject({ event: 'archived', count: 3, lastHash: lastArchived, file: archive[0] })
    const report = log.verify()
    expect(report).toMatchObject({ ok: true, continuesFrom: { file: archive[0], hash: lastArchived } })
    // The chain goes on after the marker.
    log.append(event(7))
    expect(new AuditLog(f).verify().ok).toBe(true)
    // Removing the first kept entry is still found.
    const now = lines(f)
    expect(verifyChain(Buffer.from(now.slice(1).join('\n') + '\n')).ok).toBe(false)
  })

  it('does nothing when nothing is old enough, and archives everything when all is', () => {
    const f = file()
    const log = logWith(f, 3)
    expect(archiveOlderThan(log, 0, event(4).at)).toBeNull()
    expect(archiveOlderThan(log, event(9).at, event(9).at)!.count).toBe(3)
    expect(log.read()).toEqual([])
    expect(log.verify().ok).toBe(true)
    log.append(event(10))
    expect(log.verify().ok).toBe(true)
    // A second pass finds only the previous marker and its one new entry's predecessor: nothing to archive.
    expect(archiveOlderThan(log, event(9).at, event(11).at)).toBeNull()
    expect(existsSync(f)).toBe(true)
  })

  it('checked in slices, a long log gives the same report, and the app gets turns between the slices', async () => {
    const f = file()
    const log = new AuditLog(f)
    for (let i = 1; i <= 9_000; i++) log.append(event(i), 'soon')
    log.flush()
    const intact = readFileSync(f)
    const all = lines(f)
    const edited = Buffer.from([...all.slice(0, 7_000), all[7_000].replace('approved', 'declined'), ...all.slice(7_001)].join('\n') + '\n')
    for (const content of [intact, edited]) {
      let turns = 0
      const report = await verifyChainInSlices(content, async () => {
        turns++
        await new Promise((resolve) => setImmediate(resolve))
      })
      expect(report).toEqual(verifyChain(content))
      expect(turns, 'a turn every 2,000 lines until the end or the break').toBe(content === intact ? 4 : 3)
    }
    expect(verifyChain(edited).firstBreak).toMatchObject({ line: 7_001, reason: 'altered' })
    expect(await log.verifyInSlices()).toEqual(log.verify())
  })
})
