// The append-only journal under the ledger and the conversations, against real files.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { crc32 } from 'node:zlib'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { appendToJournal, encodeLine, loadJournal, readJournal, truncateJournal, writeJournalAtomically } from '../../../src/main/storage/journal'

const dirs: string[] = []
afterEach(() => {
  while (dirs.length) rmSync(dirs.pop()!, { recursive: true, force: true })
})
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'countersign-journal-'))
  dirs.push(dir)
  return dir
}

const HOSTILE = ['plain', 'ünïcödé ✓', 'emoji 😀 and a lone \ud800 surrogate', 'quotes " and \\ and \n newlines', '\u202e bidi \u200b zero-width', '']

describe('journal lines', () => {
  it('any string survives the round trip, and every line on disk is ASCII', () => {
    const file = join(tempDir(), 'j.jsonl')
    expect(loadJournal(file).records).toEqual([])
    HOSTILE.forEach((text, n) => appendToJournal(file, [{ text, n }]))
    const bytes = readFileSync(file)
    expect(bytes.every((b) => b < 0x80)).toBe(true)
    expect(readFileSync(file, 'utf8').split('\n').filter(Boolean)).toHaveLength(HOSTILE.length)
    expect(readJournal<{ text: string }>(file).records.map((r) => r.text)).toEqual(HOSTILE.map((t) => JSON.parse(JSON.stringify(t))))
  })

  it('a missing file is an empty journal', () => {
    expect(readJournal(join(tempDir(), 'none.jsonl'))).toEqual({ records: [], validBytes: 0, damaged: 0 })
  })

  it('a torn last line at every byte is dropped quietly and cut before the next append', () => {
    const dir = tempDir()
    const file = join(dir, 'j.jsonl')
    writeJournalAtomically(file, [{ n: 1 }, { n: 2, text: 'ünï' }])
    const whole = readFileSync(file)
    const firstEnd = whole.indexOf(10) + 1
    for (let cut = firstEnd; cut < whole.length; cut++) {
      writeFileSync(file, whole.subarray(0, cut))
      const onDamage = vi.fn()
      const { records } = loadJournal<{ n: number }>(file, onDamage)
      expect(records.map((r) => r.n), `cut at ${cut}`).toEqual([1])
      expect(onDamage).not.toHaveBeenCalled()
      expect(statSync(file).size).toBe(firstEnd)
      appendToJournal(file, [{ n: 3 }])
      expect(readJournal<{ n: number }>(file).records.map((r) => r.n)).toEqual([1, 3])
    }
  })

  it('a line that fails its checksum, with whole lines after it, is damage: reported, copied aside, the rest kept', () => {
    const dir = tempDir()
    const file = join(dir, 'j.jsonl')
    writeJournalAtomically(file, [{ n: 1 }, { n: 2 }, { n: 3 }])
    writeFileSync(file, readFileSync(file, 'utf8').replace('"n":2', '"n":7'))
    expect(readJournal(file).damaged).toBe(1)
    const onDamage = vi.fn()
    const { records, damaged } = loadJournal<{ n: number }>(file, onDamage)
    expect(records.map((r) => r.n)).toEqual([1, 3])
    expect(damaged).toBe(1)
    expect(onDamage).toHaveBeenCalledTimes(1)
    expect(readFileSync(onDamage.mock.calls[0][0], 'utf8')).toContain('"n":7')
  })

  it('a line with a right checksum but a byte outside ASCII is read line by line, not misdecoded', () => {
    const file = join(tempDir(), 'j.jsonl')
    // Not what encodeLine writes, but a valid line all the same: its CRC is over its UTF-8 bytes.
    const json = JSON.stringify({ text: 'ünï' })
    writeFileSync(file, `${crc32(Buffer.from(json, 'utf8')).toString(16).padStart(8, '0')} ${json}\n${encodeLine({ text: 'ok' })}`)
    expect(readJournal<{ text: string }>(file).records.map((r) => r.text)).toEqual(['ünï', 'ok'])
  })

  it('appendToJournal and truncateJournal: appends whole lines; truncation cuts only a torn tail', () => {
    const file = join(tempDir(), 'j.jsonl')
    writeJournalAtomically(file, [{ n: 1 }])
    appendToJournal(file, [{ n: 2 }, { n: 3 }])
    writeFileSync(file, readFileSync(file, 'utf8') + '0000')
    const read = readJournal<{ n: number }>(file)
    expect(read.records.map((r) => r.n)).toEqual([1, 2, 3])
    truncateJournal(file, read.validBytes)
    expect(statSync(file).size).toBe(read.validBytes)
    truncateJournal(file, read.validBytes) // nothing to cut: no change
    expect(readJournal<{ n: number }>(file).records).toHaveLength(3)
  })

  it('writeJournalAtomically replaces the whole file and leaves no temporary file', () => {
    const dir = tempDir()
    const file = join(dir, 'j.jsonl')
    writeJournalAtomically(file, [{ n: 1 }, { n: 2 }])
    writeJournalAtomically(file, [{ n: 9 }])
    expect(readJournal<{ n: number }>(file).records).toEqual([{ n: 9 }])
    expect(readdirSync(dir)).toEqual(['j.jsonl'])
    expect(existsSync(`${file}.tmp-${process.pid}`)).toBe(false)
  })

  it('loading a missing journal creates it empty, in a folder made for it', () => {
    const file = join(tempDir(), 'deeper', 'j.jsonl')
    expect(loadJournal(file)).toEqual({ records: [], damaged: 0 })
    expect(statSync(file).size).toBe(0)
    appendToJournal(file, [{ n: 1 }])
    expect(loadJournal<{ n: number }>(file).records).toEqual([{ n: 1 }])
  })
})
