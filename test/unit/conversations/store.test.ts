// The conversation store against real files in a temp folder. "On disk" is checked by opening a
// fresh store on the same folder, as a restart would; crashes by cutting the journal at every byte.
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { Entry } from '../../../src/shared/domain'
import { ConversationStore, upsertEntry, viewOf, type ConversationRecord } from '../../../src/main/conversations/store'

const T0 = 1_700_000_000_000
const dirs: string[] = []
afterEach(() => {
  while (dirs.length) rmSync(dirs.pop()!, { recursive: true, force: true })
})
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'countersign-conversations-'))
  dirs.push(dir)
  return dir
}

const nextTurn = () => new Promise((resolve) => setImmediate(resolve))
let clock = T0
const open = (dir: string, onCorrupt?: (p: string) => void) => new ConversationStore(dir, () => ++clock, onCorrupt)
const fileOf = (dir: string, id: string) => join(dir, 'conversations', `${id}.jsonl`)

let seq = 0
const userEntry = (text: string): Entry => ({ kind: 'user', id: `u-${++seq}`, at: clock, text })
const assistantEntry = (text: string): Entry => ({ kind: 'assistant', id: `a-${++seq}`, at: clock, text, streaming: false })
const toolEntry = (actionId: string | null, status: 'running' | 'waiting' | 'done' = 'running'): Extract<Entry, { kind: 'tool' }> => ({
  kind: 'tool',
  id: `tool-${++seq}`,
  at: clock,
  toolCallId: `call-${seq}`,
  ability: 'update_record',
  title: 'Update a record',
  effect: 'write',
  inputText: '{}',
  status,
  resultText: null,
  actionId
})

/** One exchange as the assistant writes it: the user's words, then the answer, at rest. */
function exchange(store: ConversationStore, id: string, text: string): void {
  store.update(id, (c) => {
    upsertEntry(c, userEntry(text))
    c.messages.push({ role: 'user', content: text })
    c.status = 'running'
  })
  store.update(id, (c) => {
    upsertEntry(c, assistantEntry(`Answer to ${text}`))
    c.messages.push({ role: 'assistant', content: `Answer to ${text}` })
    c.status = 'idle'
  })
}

const plain = (c: ConversationRecord | undefined) => JSON.parse(JSON.stringify(c ?? null))

describe('ConversationStore: the API callers use', () => {
  it('create, get, list by user newest first, update and updateInMemory', async () => {
    const dir = tempDir()
    const store = open(dir)
    const a = store.create('u-ann')
    const b = store.create('u-bob')
    const c = store.create('u-ann')
    await nextTurn()
    expect(store.get(a.id)).toBe(a)
    store.update(a.id, (d) => {
      d.title = 'First'
    })
    expect(store.list('u-ann').map((x) => x.id)).toEqual([a.id, c.id])
    expect(store.list().map((x) => x.id).sort()).toEqual([a.id, b.id, c.id].sort())
    expect(store.list('u-nobody')).toEqual([])

    const streaming = assistantEntry('partial')
    store.updateInMemory(b.id, (d) => upsertEntry(d, streaming))
    expect(store.get(b.id)!.entries).toEqual([streaming])
    await nextTurn()
    // Streaming text stays in memory until a real change is saved.
    expect(open(dir).get(b.id)!.entries).toEqual([])
    expect(open(dir).get(a.id)!.title).toBe('First')
  })

  it('update throws for an unknown conversation, and a change that throws changes nothing', () => {
    const store = open(tempDir())
    expect(() => store.update('nope', () => undefined)).toThrow(/No conversation/)
    const a = store.create('u-ann')
    exchange(store, a.id, 'hello')
    const before = plain(store.get(a.id))
    expect(() =>
      store.update(a.id, (d) => {
        d.entries.push(userEntry('half'))
        d.messages.pop()
        throw new Error('refused')
      })
    ).toThrow('refused')
    expect(plain(store.get(a.id))).toEqual(before)
  })

  it('a restart sees every change: entries added, replaced and removed, messages, open step, title, status', async () => {
    const dir = tempDir()
    const store = open(dir)
    const a = store.create('u-ann')
    exchange(store, a.id, 'one')
    await nextTurn()
    const tool = toolEntry(null)
    const notice: Entry = { kind: 'notice', id: 'n-1', at: clock, level: 'error', text: 'x', retryable: true }
    store.update(a.id, (d) => {
      upsertEntry(d, tool)
      upsertEntry(d, notice)
      d.openStep = { calls: [{ toolCallId: tool.toolCallId, toolName: 'update_record' }], results: {} }
      d.title = 'Renamed'
    })
    store.update(a.id, (d) => {
      upsertEntry(d, { ...tool, status: 'waiting', actionId: 'act-1' })
      d.entries = d.entries.filter((e) => e.id !== 'n-1')
      d.status = 'waiting'
    })
    await nextTurn()
    expect(plain(open(dir).get(a.id))).toEqual(plain(store.get(a.id)))
    store.update(a.id, (d) => {
      d.openStep!.results[tool.toolCallId] = { type: 'tool-result', toolCallId: tool.toolCallId, toolName: 'update_record', output: { type: 'text', value: 'done' } }
      d.entries.reverse() // an order put/remove cannot say: written whole
      d.messages = [{ role: 'user', content: 'history rewritten' }]
    })
    store.flush()
    const fresh = open(dir).get(a.id)!
    expect(plain(fresh)).toEqual(plain(store.get(a.id)))
    expect(viewOf(fresh).entries.map((e) => e.id)).toEqual(store.get(a.id)!.entries.map((e) => e.id))
  })

  it('an entry already on disk cannot be edited in place (it would never be written); replacing it works', async () => {
    const store = open(tempDir())
    const a = store.create('u-ann')
    exchange(store, a.id, 'hello')
    await nextTurn()
    expect(() =>
      store.update(a.id, (d) => {
        ;(d.entries[0] as { text: string }).text = 'edited'
      })
    ).toThrow(TypeError)
    store.update(a.id, (d) => upsertEntry(d, { ...(d.entries[0] as Extract<Entry, { kind: 'user' }>), text: 'edited' }))
    expect((store.get(a.id)!.entries[0] as { text: string }).text).toBe('edited')
  })
})

describe('ConversationStore: appends, not rewrites', () => {
  it('a change appends one line and leaves every earlier byte as it was', async () => {
    const dir = tempDir()
    const store = open(dir)
    const a = store.create('u-ann')
    await nextTurn()
    const file = fileOf(dir, a.id)
    for (let i = 0; i < 20; i++) {
      const before = readFileSync(file)
      exchange(store, a.id, `message ${i}`)
      await nextTurn()
      const after = readFileSync(file)
      expect(after.subarray(0, before.length).equals(before)).toBe(true)
      expect(after.subarray(before.length).toString('utf8').split('\n').filter(Boolean)).toHaveLength(1)
    }
  })

  it('what a message costs on disk does not grow with the conversation', async () => {
    const dir = tempDir()
    const store = open(dir)
    const a = store.create('u-ann')
    await nextTurn()
    const file = fileOf(dir, a.id)
    const cost: number[] = []
    for (let i = 0; i < 400; i++) {
      const size = statSync(file).size
      const writes = store.durableWrites
      exchange(store, a.id, `message ${String(i).padStart(4, '0')}`)
      await nextTurn()
      cost.push(statSync(file).size - size)
      expect(store.durableWrites - writes).toBe(1)
    }
    expect(cost.at(-1)!).toBeLessThanOrEqual(cost[0] + 20)
    expect(statSync(file).size).toBeGreaterThan(50 * cost[0]) // the conversation itself did grow
  })

  it('changes in one turn are one durable write; changes while the model answers wait for the next commit', async () => {
    const dir = tempDir()
    const store = open(dir)
    const a = store.create('u-ann')
    await nextTurn()
    const writes = store.durableWrites
    store.update(a.id, (d) => {
      upsertEntry(d, userEntry('move the deal'))
      d.status = 'running'
    })
    store.update(a.id, (d) => d.messages.push({ role: 'user', content: 'move the deal' }))
    await nextTurn()
    expect(store.durableWrites - writes).toBe(1) // the user's message

    // The model reads something: in memory only, while it is still running.
    const read = toolEntry(null, 'done')
    store.update(a.id, (d) => upsertEntry(d, read))
    await nextTurn()
    expect(store.durableWrites - writes).toBe(1)
    expect(open(dir).get(a.id)!.entries.map((e) => e.id)).not.toContain(read.id)

    // The card: an entry tied to a ledger action is committed this turn, with what came before.
    const card = toolEntry('act-1', 'waiting')
    store.update(a.id, (d) => upsertEntry(d, card))
    store.update(a.id, (d) => {
      d.status = 'waiting'
    })
    await nextTurn()
    expect(store.durableWrites - writes).toBe(2)
    expect(open(dir).get(a.id)!.entries.map((e) => e.id)).toEqual(store.get(a.id)!.entries.map((e) => e.id))
    expect(open(dir).get(a.id)!.status).toBe('waiting')
  })

  it('start-up rewrites a journal with many changes as one snapshot, nothing lost', async () => {
    const dir = tempDir()
    const store = open(dir)
    const a = store.create('u-ann')
    await nextTurn()
    for (let i = 0; i < 250; i++) {
      exchange(store, a.id, `m${i}`)
      await nextTurn()
    }
    const before = readFileSync(fileOf(dir, a.id), 'utf8').split('\n').filter(Boolean).length
    expect(before).toBe(251)
    const fresh = open(dir)
    expect(plain(fresh.get(a.id))).toEqual(plain(store.get(a.id)))
    expect(readFileSync(fileOf(dir, a.id), 'utf8').split('\n').filter(Boolean)).toHaveLength(1)
    expect(plain(open(dir).get(a.id))).toEqual(plain(store.get(a.id)))
  })
})

describe('ConversationStore: crashes and damage', () => {
  it('a crash at any byte of any change leaves a journal start-up reads, in the state of the last whole change', async () => {
    const dir = tempDir()
    const store = open(dir)
    const a = store.create('u-ann')
    await nextTurn()
    const file = fileOf(dir, a.id)
    // The state after each durable write, and where that write ended.
    const states: { size: number; record: unknown }[] = [{ size: statSync(file).size, record: plain(store.get(a.id)) }]
    exchange(store, a.id, 'first')
    await nextTurn()
    states.push({ size: statSync(file).size, record: plain(store.get(a.id)) })
    const tool = toolEntry('act-1', 'waiting')
    store.update(a.id, (d) => {
      upsertEntry(d, tool)
      d.openStep = { calls: [{ toolCallId: tool.toolCallId, toolName: 'update_record' }], results: {} }
      d.status = 'waiting'
    })
    await nextTurn()
    states.push({ size: statSync(file).size, record: plain(store.get(a.id)) })
    store.update(a.id, (d) => {
      upsertEntry(d, { ...tool, status: 'done', resultText: 'Done: ünïcödé ✓' })
      d.openStep = null
      d.entries = d.entries.filter((e) => e.kind !== 'assistant')
      d.status = 'idle'
    })
    await nextTurn()
    states.push({ size: statSync(file).size, record: plain(store.get(a.id)) })

    const whole = readFileSync(file)
    const probe = tempDir()
    for (let cut = states[0].size; cut <= whole.length; cut++) {
      rmSync(join(probe, 'conversations'), { recursive: true, force: true })
      mkdirSync(join(probe, 'conversations'))
      writeFileSync(fileOf(probe, a.id), whole.subarray(0, cut))
      const onCorrupt = vi.fn()
      const fresh = open(probe, onCorrupt)
      const expected = states.filter((s) => s.size <= cut).at(-1)!.record
      expect(plain(fresh.get(a.id)), `cut at ${cut} of ${whole.length}`).toEqual(expected)
      expect(onCorrupt).not.toHaveBeenCalled() // a torn tail is a crash, not damage
      // And it goes on: the next change lands on a clean line.
      fresh.update(a.id, (d) => {
        d.title = `after cut ${cut}`
      })
      fresh.flush()
      expect(open(probe).get(a.id)!.title).toBe(`after cut ${cut}`)
    }
  })

  it('a damaged line in the middle is reported and copied aside; the conversation still opens', async () => {
    const dir = tempDir()
    const store = open(dir)
    const a = store.create('u-ann')
    await nextTurn()
    for (let i = 0; i < 5; i++) {
      exchange(store, a.id, `m${i}`)
      await nextTurn()
    }
    const file = fileOf(dir, a.id)
    const lines = readFileSync(file, 'utf8').split('\n')
    lines[3] = lines[3].replace('m2', 'mX')
    writeFileSync(file, lines.join('\n'))
    const onCorrupt = vi.fn()
    const fresh = open(dir, onCorrupt)
    expect(onCorrupt).toHaveBeenCalledTimes(1)
    // Said in plain words, naming the conversation and where the copy is (never an absolute path).
    const said = onCorrupt.mock.calls[0][0] as string
    expect(said).toMatch(/^The conversation "New conversation" had a damaged part/)
    expect(said).not.toContain(dir)
    expect(readFileSync(join(dir, said.match(/\((conversations\/[^)]+)\)/)![1]), 'utf8')).toContain('mX')
    const texts = fresh.get(a.id)!.entries.map((e) => (e as { text: string }).text)
    expect(texts).not.toContain('mX') // a line that fails its checksum is never believed
    expect(texts).toContain('m4')
    const later = vi.fn()
    open(dir, later)
    expect(later).not.toHaveBeenCalled()
  })

  it('a journal whose first snapshot is unreadable is set aside and reported; the others load', async () => {
    const dir = tempDir()
    const store = open(dir)
    const a = store.create('u-ann')
    const b = store.create('u-ann')
    await nextTurn()
    truncateSync(fileOf(dir, a.id), 10)
    const onCorrupt = vi.fn()
    const fresh = open(dir, onCorrupt)
    expect(onCorrupt).toHaveBeenCalledTimes(1)
    const said = onCorrupt.mock.calls[0][0] as string
    expect(said).toMatch(/could not be read and was set aside/)
    expect(existsSync(join(dir, said.match(/\((conversations\/[^)]+)\)/)![1]))).toBe(true)
    expect(fresh.get(a.id)).toBeUndefined()
    expect(fresh.get(b.id)).toBeDefined()
  })

  it('a conversation in the earlier one-file layout is migrated, and a leftover temporary file is removed', () => {
    const dir = tempDir()
    mkdirSync(join(dir, 'conversations'))
    const record: ConversationRecord = {
      id: '0b5e4f7a-1c2d-4e5f-8a9b-0c1d2e3f4a5b',
      title: 'Old',
      principal: 'u-ann',
      createdAt: T0,
      updatedAt: T0,
      status: 'idle',
      entries: [userEntry('from before')],
      messages: [{ role: 'user', content: 'from before' }],
      openStep: null
    }
    writeFileSync(join(dir, 'conversations', `${record.id}.json`), JSON.stringify(record))
    writeFileSync(join(dir, 'conversations', `${record.id}.jsonl.tmp-99`), 'half')
    const store = open(dir)
    expect(plain(store.get(record.id))).toEqual(plain(record))
    expect(readdirSync(join(dir, 'conversations'))).toEqual([`${record.id}.jsonl`])
    expect(plain(open(dir).get(record.id))).toEqual(plain(record))
  })

  it('a failed write loses nothing: the change stays in memory and the next flush writes it whole', async () => {
    const dir = tempDir()
    const store = open(dir)
    const a = store.create('u-ann')
    await nextTurn()
    const file = fileOf(dir, a.id)
    const saved = `${file}.saved`
    copyFileSync(file, saved)
    rmSync(file)
    mkdirSync(file) // appending to a directory fails
    const error = vi.spyOn(console, 'error').mockImplementation(() => undefined)
    exchange(store, a.id, 'kept')
    store.flush()
    expect(error).toHaveBeenCalledWith(expect.stringContaining('could not save'), 'EISDIR')
    error.mockRestore()
    rmSync(file, { recursive: true })
    copyFileSync(saved, file)
    store.flush()
    rmSync(saved)
    expect(plain(open(dir).get(a.id))).toEqual(plain(store.get(a.id)))
  })
})
