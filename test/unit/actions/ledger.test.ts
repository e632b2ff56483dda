// The action ledger against real files in a temp folder. "On disk" is checked by opening a fresh
// ledger on the same folder, as a restart would, or by decoding the journals under <data>/ledger
// here, independently of the ledger's code: one line per change, 8 hex digits of CRC-32, a space,
// the action's whole record as JSON. Later lines are newer.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync, copyFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { crc32 } from 'node:zlib'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { ActionLedger, DEFAULT_EXPIRY_HOURS, DecisionRefusedError, RETENTION_DAYS, type ActionRecord, type LedgerDamage, type ProposalDraft } from '../../../src/main/actions/ledger'
import { actionHash } from '../../../src/main/actions/hash'
import { IllegalTransitionError } from '../../../src/main/actions/state-machine'
import { appendToJournal } from '../../../src/main/storage/journal'
import { createNodeStoreFactory } from '../../../src/main/storage/node-store'

const HOUR = 3_600_000
const T0 = 1_700_000_000_000

const dirs: string[] = []
afterEach(() => {
  while (dirs.length) rmSync(dirs.pop()!, { recursive: true, force: true })
})
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'countersign-ledger-'))
  dirs.push(dir)
  return dir
}

function journals(dir: string): string[] {
  const folder = join(dir, 'ledger')
  return readdirSync(folder)
    .filter((f) => f.endsWith('.jsonl'))
    .map((f) => join(folder, f))
}

/** The journal lines of one file, decoded and checked here. */
function decode(file: string): ActionRecord[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const json = line.slice(9)
      expect(line.slice(0, 8)).toBe(crc32(json).toString(16).padStart(8, '0'))
      return JSON.parse(json) as ActionRecord
    })
}

/** The ledger files that mention `id`. */
function filesHolding(dir: string, id: string): string[] {
  return journals(dir).filter((f) => readFileSync(f, 'utf8').includes(id))
}

/** The newest state of `id` on disk: open journals are newer than settled ones. */
function stateOnDisk(dir: string, id: string): string | undefined {
  const ordered = journals(dir).sort((a, b) => Number(a.includes('/open-')) - Number(b.includes('/open-')))
  let state: string | undefined
  for (const file of ordered) for (const a of decode(file)) if (a.id === id) state = a.state
  return state
}

function openJournal(dir: string): string {
  const open = journals(dir).filter((f) => /\/open-\d+\.jsonl$/.test(f))
  expect(open).toHaveLength(1)
  return open[0]
}

function harness(options: { dir?: string; expiryHours?: number; onCorrupt?: (p: LedgerDamage) => void } = {}) {
  const dir = options.dir ?? tempDir()
  const clock = { now: T0 }
  let expiryHours = options.expiryHours ?? DEFAULT_EXPIRY_HOURS
  const changes: ActionRecord[] = []
  const open = () =>
    new ActionLedger({
      stores: createNodeStoreFactory(dir),
      clock: () => clock.now,
      expiryHours: () => expiryHours,
      onChange: (a) => changes.push(a),
      onCorrupt: options.onCorrupt
    })
  const ledger = open()
  return {
    dir,
    clock,
    ledger,
    changes,
    /** A fresh ledger on the same folder: what a restart would see. */
    reopen: () => open(),
    setExpiryHours: (h: number) => (expiryHours = h)
  }
}

let seq = 0
function draft(overrides: Partial<ProposalDraft> = {}): ProposalDraft {
  seq++
  return {
    conversationId: 'c1',
    toolCallId: `call-${seq}`,
    ability: 'update_record',
    abilityTitle: 'Update a record',
    input: { type: 'deal', id: 'D-1', fields: { stage: 'won' } },
    recordVersion: 'v1',
    card: {
      summary: 'Set deal D-1 stage to won',
      detail: { kind: 'update', record: { type: 'deal', id: 'D-1', label: 'Big deal' }, changes: [{ field: 'stage', label: 'Stage', before: 'proposal', after: 'won' }] }
    },
    principal: 'u-ann',
    userName: 'Ann',
    provider: 'demo',
    model: 'scripted',
    ...overrides
  }
}

function refusal(fn: () => unknown): DecisionRefusedError {
  try {
    fn()
  } catch (e) {
    if (e instanceof DecisionRefusedError) return e
    throw e
  }
  throw new Error('expected a DecisionRefusedError, but the call succeeded')
}

describe('ActionLedger: durability', () => {
  it('a proposal is pending on disk when propose returns', () => {
    const h = harness()
    const a = h.ledger.propose(draft(), 'pending')
    expect(a.state).toBe('pending')
    const fresh = h.reopen().get(a.id)
    expect(fresh).toBeDefined()
    expect(fresh!.state).toBe('pending')
    expect(fresh!.hash).toBe(a.hash)
    expect(fresh!.input).toEqual(a.input)
    expect(fresh!.card).toEqual(a.card)
  })

  it('the hash is the action hash of ability, input and record version', () => {
    const h = harness()
    const d = draft()
    const a = h.ledger.propose(d, 'pending')
    expect(a.hash).toBe(actionHash(d.ability, d.input, d.recordVersion, d.card))
  })

  it('a proposal allowed by policy is executing on disk when propose returns', () => {
    const h = harness()
    const a = h.ledger.propose(draft(), 'executing')
    expect(h.reopen().get(a.id)!.state).toBe('executing')
  })

  it('every change is in the ledger files before onChange is told', () => {
    const dir = tempDir()
    const seen: [string, string][] = []
    const ledger = new ActionLedger({
      stores: createNodeStoreFactory(dir),
      clock: () => T0,
      expiryHours: () => 48,
      onChange: (a) => seen.push([a.state, stateOnDisk(dir, a.id)!])
    })
    const a = ledger.propose(draft(), 'pending')
    ledger.decide({ id: a.id, hash: a.hash, decision: 'approve', principal: 'u-ann' })
    ledger.transition(a.id, 'executing')
    ledger.transition(a.id, 'succeeded')
    // The newest line on disk is the state being announced.
    expect(seen).toEqual([
      ['pending', 'pending'],
      ['approved', 'approved'],
      ['executing', 'executing'],
      ['succeeded', 'succeeded']
    ])
  })

  it('an approval is on disk before decide returns', () => {
    const h = harness()
    const a = h.ledger.propose(draft(), 'pending')
    h.clock.now += 1000
    const approved = h.ledger.decide({ id: a.id, hash: a.hash, decision: 'approve', principal: 'u-ann' })
    expect(approved.state).toBe('approved')
    const fresh = h.reopen().get(a.id)!
    expect(fresh.state).toBe('approved')
    expect(fresh.decidedBy).toBe('u-ann')
    expect(fresh.decidedAt).toBe(T0 + 1000)
  })

  it('a decline is on disk before decide returns', () => {
    const h = harness()
    const a = h.ledger.propose(draft(), 'pending')
    h.ledger.decide({ id: a.id, hash: a.hash, decision: 'decline', principal: 'u-ann', reason: 'wrong deal' })
    const fresh = h.reopen().get(a.id)!
    expect(fresh.state).toBe('declined')
    expect(fresh.declineReason).toBe('wrong deal')
  })

  it('tells onChange after every change, with the new state', () => {
    const h = harness()
    const a = h.ledger.propose(draft(), 'pending')
    h.ledger.decide({ id: a.id, hash: a.hash, decision: 'approve', principal: 'u-ann' })
    h.ledger.transition(a.id, 'executing')
    expect(h.changes.map((c) => c.state)).toEqual(['pending', 'approved', 'executing'])
  })
})

describe('ActionLedger: decide refuses', () => {
  it('an unknown id', () => {
    const h = harness()
    h.ledger.propose(draft(), 'pending')
    expect(refusal(() => h.ledger.decide({ id: 'nope', hash: 'a'.repeat(64), decision: 'approve', principal: 'u-ann' })).code).toBe('not_found')
  })

  it('a hash that is not the card’s, and nothing changes', () => {
    const h = harness()
    const a = h.ledger.propose(draft(), 'pending')
    const other = actionHash(a.ability, { ...(a.input as object), fields: { stage: 'lost' } }, a.recordVersion, a.card)
    expect(refusal(() => h.ledger.decide({ id: a.id, hash: other, decision: 'approve', principal: 'u-ann' })).code).toBe('hash_mismatch')
    expect(h.ledger.get(a.id)!.state).toBe('pending')
    expect(h.reopen().get(a.id)!.state).toBe('pending')
  })

  it('another user, and nothing changes', () => {
    const h = harness()
    const a = h.ledger.propose(draft(), 'pending')
    expect(refusal(() => h.ledger.decide({ id: a.id, hash: a.hash, decision: 'approve', principal: 'u-bob' })).code).toBe('wrong_user')
    expect(refusal(() => h.ledger.decide({ id: a.id, hash: a.hash, decision: 'decline', principal: 'u-bob' })).code).toBe('wrong_user')
    expect(h.reopen().get(a.id)!.state).toBe('pending')
  })

  it.each(['approved', 'declined', 'executing'] as const)('an action that is no longer pending (%s)', (state) => {
    const h = harness()
    const a = state === 'executing' ? h.ledger.propose(draft(), 'executing') : h.ledger.propose(draft(), 'pending')
    if (state !== 'executing') h.ledger.decide({ id: a.id, hash: a.hash, decision: state === 'approved' ? 'approve' : 'decline', principal: 'u-ann' })
    expect(refusal(() => h.ledger.decide({ id: a.id, hash: a.hash, decision: 'approve', principal: 'u-ann' })).code).toBe('not_pending')
    expect(h.ledger.get(a.id)!.state).toBe(state)
  })

  it('a second decision: decline always wins over a late approve', () => {
    const h = harness()
    const a = h.ledger.propose(draft(), 'pending')
    h.ledger.decide({ id: a.id, hash: a.hash, decision: 'decline', principal: 'u-ann' })
    expect(refusal(() => h.ledger.decide({ id: a.id, hash: a.hash, decision: 'approve', principal: 'u-ann' })).code).toBe('not_pending')
    expect(h.reopen().get(a.id)!.state).toBe('declined')
  })
})

describe('ActionLedger: expiry', () => {
  it('expiresAt is createdAt + 48 h by default', () => {
    const h = harness()
    const a = h.ledger.propose(draft(), 'pending')
    expect(a.createdAt).toBe(T0)
    expect(a.expiresAt).toBe(T0 + 48 * HOUR)
  })

  it('honours the expiry hours setting, read at proposal time', () => {
    const h = harness({ expiryHours: 2 })
    const a = h.ledger.propose(draft(), 'pending')
    expect(a.expiresAt).toBe(T0 + 2 * HOUR)
    h.setExpiryHours(5)
    const b = h.ledger.propose(draft(), 'pending')
    expect(b.expiresAt).toBe(T0 + 5 * HOUR)
  })

  it('one millisecond before expiresAt an approval works', () => {
    const h = harness()
    const a = h.ledger.propose(draft(), 'pending')
    h.clock.now = a.expiresAt - 1
    expect(h.ledger.decide({ id: a.id, hash: a.hash, decision: 'approve', principal: 'u-ann' }).state).toBe('approved')
  })

  it('at expiresAt an approval is refused and the action becomes expired on disk', () => {
    const h = harness()
    const a = h.ledger.propose(draft(), 'pending')
    h.clock.now = a.expiresAt
    expect(refusal(() => h.ledger.decide({ id: a.id, hash: a.hash, decision: 'approve', principal: 'u-ann' })).code).toBe('expired')
    expect(h.ledger.get(a.id)!.state).toBe('expired')
    expect(h.reopen().get(a.id)!.state).toBe('expired')
    // And it stays refused afterwards.
    expect(refusal(() => h.ledger.decide({ id: a.id, hash: a.hash, decision: 'approve', principal: 'u-ann' })).code).toBe('not_pending')
  })

  it('a shorter expiry setting is honoured when deciding', () => {
    const h = harness({ expiryHours: 1 })
    const a = h.ledger.propose(draft(), 'pending')
    h.clock.now = T0 + HOUR
    expect(refusal(() => h.ledger.decide({ id: a.id, hash: a.hash, decision: 'approve', principal: 'u-ann' })).code).toBe('expired')
  })

  it('an expired action is not expired by a wrong-hash or wrong-user decision (checked first)', () => {
    const h = harness()
    const a = h.ledger.propose(draft(), 'pending')
    h.clock.now = a.expiresAt + 1
    expect(refusal(() => h.ledger.decide({ id: a.id, hash: 'f'.repeat(64), decision: 'approve', principal: 'u-ann' })).code).toBe('hash_mismatch')
    expect(refusal(() => h.ledger.decide({ id: a.id, hash: a.hash, decision: 'approve', principal: 'u-bob' })).code).toBe('wrong_user')
    expect(h.ledger.get(a.id)!.state).toBe('pending')
  })

  it('sweepExpired expires only pending actions that are overdue', () => {
    const h = harness()
    const old = h.ledger.propose(draft(), 'pending')
    const approvedOld = h.ledger.propose(draft(), 'pending')
    h.ledger.decide({ id: approvedOld.id, hash: approvedOld.hash, decision: 'approve', principal: 'u-ann' })
    const executingOld = h.ledger.propose(draft(), 'executing')
    h.clock.now = T0 + 10 * HOUR
    const young = h.ledger.propose(draft(), 'pending')
    h.clock.now = old.expiresAt // exactly due: old, not young
    const swept = h.ledger.sweepExpired()
    expect(swept.map((a) => a.id)).toEqual([old.id])
    expect(swept[0].state).toBe('expired')
    const fresh = h.reopen()
    expect(fresh.get(old.id)!.state).toBe('expired')
    expect(fresh.get(young.id)!.state).toBe('pending')
    expect(fresh.get(approvedOld.id)!.state).toBe('approved')
    expect(fresh.get(executingOld.id)!.state).toBe('executing')
    // A second sweep has nothing left to do.
    expect(h.ledger.sweepExpired()).toEqual([])
  })

  it('sweepExpired at expiresAt - 1 expires nothing', () => {
    const h = harness()
    const a = h.ledger.propose(draft(), 'pending')
    h.clock.now = a.expiresAt - 1
    expect(h.ledger.sweepExpired()).toEqual([])
    expect(h.ledger.get(a.id)!.state).toBe('pending')
  })
})

describe('ActionLedger: decline reasons', () => {
  it.each([
    ['  not this one  ', 'not this one'],
    ['', null],
    ['   \n\t ', null],
    [undefined, null]
  ])('reason %j is stored as %j', (reason, stored) => {
    const h = harness()
    const a = h.ledger.propose(draft(), 'pending')
    const declined = h.ledger.decide({ id: a.id, hash: a.hash, decision: 'decline', principal: 'u-ann', reason })
    expect(declined.declineReason).toBe(stored)
    expect(h.reopen().get(a.id)!.declineReason).toBe(stored)
  })

  it('an approval stores no reason', () => {
    const h = harness()
    const a = h.ledger.propose(draft(), 'pending')
    expect(h.ledger.decide({ id: a.id, hash: a.hash, decision: 'approve', principal: 'u-ann', reason: 'sure' }).declineReason).toBeNull()
  })
})

describe('ActionLedger: transitions and history', () => {
  it('refuses an illegal transition and leaves disk alone', () => {
    const h = harness()
    const a = h.ledger.propose(draft(), 'pending')
    expect(() => h.ledger.transition(a.id, 'executing')).toThrow(IllegalTransitionError)
    expect(() => h.ledger.transition(a.id, 'succeeded')).toThrow(IllegalTransitionError)
    expect(h.reopen().get(a.id)!.state).toBe('pending')
  })

  it('transition on an unknown id is refused as not_found', () => {
    const h = harness()
    expect(refusal(() => h.ledger.transition('missing', 'expired')).code).toBe('not_found')
  })

  it('history records each state with its time, on disk', () => {
    const h = harness()
    const a = h.ledger.propose(draft(), 'pending')
    h.clock.now = T0 + 1
    h.ledger.decide({ id: a.id, hash: a.hash, decision: 'approve', principal: 'u-ann' })
    h.clock.now = T0 + 2
    h.ledger.transition(a.id, 'executing')
    h.clock.now = T0 + 3
    h.ledger.transition(a.id, 'succeeded', { resultSummary: 'done' })
    const fresh = h.reopen().get(a.id)!
    expect(fresh.history).toEqual([
      { state: 'proposed', at: T0 },
      { state: 'pending', at: T0 },
      { state: 'approved', at: T0 + 1 },
      { state: 'executing', at: T0 + 2 },
      { state: 'succeeded', at: T0 + 3 }
    ])
    expect(fresh.resultSummary).toBe('done')
  })

  it('forConversation and inState filter correctly', () => {
    const h = harness()
    const a = h.ledger.propose(draft({ conversationId: 'c1' }), 'pending')
    h.clock.now += 1
    const b = h.ledger.propose(draft({ conversationId: 'c2' }), 'executing')
    h.clock.now += 1
    const c = h.ledger.propose(draft({ conversationId: 'c1' }), 'pending')
    expect(h.ledger.forConversation('c1').map((x) => x.id)).toEqual([a.id, c.id])
    expect(h.ledger.inState('executing').map((x) => x.id)).toEqual([b.id])
    expect(h.ledger.inState('pending', 'executing')).toHaveLength(3)
  })
})

describe('ActionLedger: restore', () => {
  it('restores many actions with their states, settled ones from their day\'s journal after compaction', () => {
    const h = harness()
    const ids = new Map<string, string>()
    for (let i = 0; i < 300; i++) {
      h.clock.now = T0 + i * 20 * 60_000
      const a = h.ledger.propose(draft({ conversationId: `c${i % 7}` }), i % 3 === 0 ? 'executing' : 'pending')
      if (i % 3 === 1) h.ledger.decide({ id: a.id, hash: a.hash, decision: 'decline', principal: 'u-ann', reason: `r${i}` })
      ids.set(a.id, h.ledger.get(a.id)!.state)
    }
    for (const fresh of [h.reopen(), h.reopen()]) {
      expect(fresh.size).toBe(300)
      for (const [id, state] of ids) expect(fresh.get(id)!.state).toBe(state)
      expect(fresh.inState('declined')).toHaveLength(100)
      expect(fresh.inState('executing')).toHaveLength(100)
      expect(fresh.inState('pending')).toHaveLength(100)
    }
    // Settled actions left the open journal for one journal per day of creation (300 × 20 min: 5 days).
    expect(decode(openJournal(h.dir)).map((a) => a.state).sort()).toEqual([...Array(100).fill('executing'), ...Array(100).fill('pending')].sort())
    expect(journals(h.dir).filter((f) => /closed-\d{4}-\d{2}-\d{2}\.jsonl$/.test(f)).length).toBeGreaterThanOrEqual(4)
  })

  it('a change appends one line and leaves every earlier byte as it was, however many actions there are', () => {
    const h = harness()
    for (let i = 0; i < 200; i++) h.ledger.propose(draft(), 'pending')
    const file = openJournal(h.dir)
    const sizes: number[] = []
    let before = readFileSync(file)
    const a = h.ledger.propose(draft(), 'pending')
    const steps = [
      () => h.ledger.decide({ id: a.id, hash: a.hash, decision: 'approve', principal: 'u-ann' }),
      () => h.ledger.transition(a.id, 'executing'),
      () => h.ledger.transition(a.id, 'succeeded', { resultSummary: 'done' })
    ]
    for (const step of [() => undefined, ...steps]) {
      step()
      const after = readFileSync(file)
      expect(after.subarray(0, before.length).equals(before)).toBe(true)
      const added = after.subarray(before.length).toString('utf8')
      expect(added.split('\n').filter(Boolean)).toHaveLength(1)
      sizes.push(after.length - before.length)
      before = after
    }
    // Each line is one action's record, a few hundred bytes: not the ledger's size.
    expect(Math.max(...sizes)).toBeLessThan(3_000)
    expect(decode(file).at(-1)!.state).toBe('succeeded')
  })

  it('the newest line on disk for each action is the state it reached, before and after a restart', () => {
    const h = harness()
    const a = h.ledger.propose(draft(), 'pending')
    const b = h.ledger.propose(draft(), 'pending')
    h.ledger.decide({ id: b.id, hash: b.hash, decision: 'decline', principal: 'u-ann' })
    const c = h.ledger.propose(draft(), 'executing')
    h.ledger.transition(c.id, 'outcome_unknown')
    const check = () => {
      expect(stateOnDisk(h.dir, a.id)).toBe('pending')
      expect(stateOnDisk(h.dir, b.id)).toBe('declined')
      expect(stateOnDisk(h.dir, c.id)).toBe('outcome_unknown')
    }
    check()
    h.reopen()
    check()
    // After compaction, the settled one is only in its day's journal.
    expect(filesHolding(h.dir, b.id).map((f) => f.split('/').at(-1))).toEqual([`closed-${new Date(T0).toISOString().slice(0, 10)}.jsonl`])
  })

  it.each(['pending', 'approved', 'executing', 'outcome_unknown'] as const)(
    'an action still %s is restored however old it is (nothing in play is ever dropped)',
    (state) => {
      const h = harness()
      const a = h.ledger.propose(draft(), state === 'pending' || state === 'approved' ? 'pending' : 'executing')
      if (state === 'approved') h.ledger.decide({ id: a.id, hash: a.hash, decision: 'approve', principal: 'u-ann' })
      if (state === 'outcome_unknown') h.ledger.transition(a.id, 'outcome_unknown')
      h.clock.now = T0 + 400 * 24 * HOUR
      const fresh = h.reopen()
      expect(fresh.get(a.id)?.state).toBe(state)
    }
  )

  it('a decided action is restored after a restart within the next days', () => {
    const h = harness()
    const a = h.ledger.propose(draft(), 'pending')
    h.ledger.decide({ id: a.id, hash: a.hash, decision: 'decline', principal: 'u-ann', reason: 'no' })
    h.clock.now = T0 + 3 * 24 * HOUR
    expect(h.reopen().get(a.id)?.state).toBe('declined')
  })

  it('a crash at any byte of an append leaves a ledger start-up reads: the change is there whole or not at all', () => {
    const h = harness()
    const a = h.ledger.propose(draft(), 'pending')
    const others = Array.from({ length: 5 }, () => h.ledger.propose(draft(), 'pending'))
    const file = openJournal(h.dir)
    const before = statSync(file).size
    h.ledger.decide({ id: a.id, hash: a.hash, decision: 'approve', principal: 'u-ann' })
    const whole = readFileSync(file)
    const probe = join(tempDir(), 'probe')
    for (let cut = before; cut <= whole.length; cut++) {
      rmSync(probe, { recursive: true, force: true })
      copyTree(h.dir, probe)
      truncateSync(join(probe, 'ledger', file.split('/').at(-1)!), cut)
      const onCorrupt = vi.fn()
      const fresh = harness({ dir: probe, onCorrupt }).ledger
      expect(fresh.get(a.id)!.state, `cut at ${cut} of ${whole.length}`).toBe(cut === whole.length ? 'approved' : 'pending')
      for (const o of others) expect(fresh.get(o.id)!.state).toBe('pending')
      expect(onCorrupt).not.toHaveBeenCalled() // a torn tail is a crash, not damage
      // And the ledger goes on: the next change lands on a clean line.
      const next = fresh.propose(draft(), 'pending')
      expect(harness({ dir: probe }).ledger.get(next.id)!.state).toBe('pending')
    }
  })

  it('a damaged line with whole lines after it is reported, copied aside, and the rest loads', () => {
    const h = harness()
    const actions = Array.from({ length: 20 }, () => h.ledger.propose(draft(), 'pending'))
    const file = openJournal(h.dir)
    const text = readFileSync(file, 'utf8')
    const lines = text.split('\n')
    const victim = actions[7]
    const i = lines.findIndex((l) => l.includes(victim.id))
    lines[i] = lines[i].replace('"pending"', '"approved"') // a flipped value: its checksum no longer matches
    writeFileSync(file, lines.join('\n'))

    const onCorrupt = vi.fn()
    const fresh = harness({ dir: h.dir, onCorrupt }).ledger
    expect(onCorrupt).toHaveBeenCalledTimes(1)
    const damage = onCorrupt.mock.calls[0][0] as LedgerDamage
    expect(damage.keptAs).toMatch(/^ledger\/open-.*\.corrupt-/) // within the data folder, never absolute
    const copy = join(h.dir, damage.keptAs)
    expect(readFileSync(copy, 'utf8')).toContain(victim.id) // kept for inspection
    expect(fresh.get(victim.id)).toBeUndefined() // never trusted as approved
    for (const a of actions.filter((a) => a !== victim)) expect(fresh.get(a.id)?.state).toBe('pending')
    // The ledger still works, and a later start-up does not report the same damage again.
    const again = fresh.propose(draft(), 'pending')
    const onCorruptLater = vi.fn()
    expect(harness({ dir: h.dir, onCorrupt: onCorruptLater }).ledger.get(again.id)!.state).toBe('pending')
    expect(onCorruptLater).not.toHaveBeenCalled()
  })

  it('a line whose checksum holds but whose record has the wrong shape loses only that action, says which, and start-up goes on', () => {
    const h = harness()
    const actions = Array.from({ length: 10 }, () => h.ledger.propose(draft(), 'pending'))
    const victim = actions[3]
    // A well-formed line (valid checksum) whose record is not an action: what a bug or an old build could leave.
    appendToJournal(openJournal(h.dir), [{ ...victim, state: 'teleported' }, null, { id: 'x' }])
    const onCorrupt = vi.fn()
    const fresh = harness({ dir: h.dir, onCorrupt }).ledger
    expect(onCorrupt).toHaveBeenCalledTimes(1)
    const damage = onCorrupt.mock.calls[0][0] as LedgerDamage
    expect(damage.lost).toEqual(expect.arrayContaining([{ abilityTitle: victim.abilityTitle, conversationId: victim.conversationId }]))
    expect(existsSync(join(h.dir, damage.keptAs))).toBe(true)
    // The last good state of the victim stands; nothing else changed.
    for (const a of actions) expect(fresh.get(a.id)?.state).toBe('pending')
    const later = vi.fn()
    harness({ dir: h.dir, onCorrupt: later })
    expect(later).not.toHaveBeenCalled()
  })

  it('a crash during compaction, at any step, loses nothing', () => {
    const h = harness()
    const waiting = h.ledger.propose(draft(), 'pending')
    const settled = h.ledger.propose(draft(), 'pending')
    h.ledger.decide({ id: settled.id, hash: settled.hash, decision: 'decline', principal: 'u-ann' })
    const snapshot = join(tempDir(), 'before')
    copyTree(h.dir, snapshot)
    h.reopen() // compacts: the settled action to its day's journal, the waiting one to open-<n+1>
    const after = readdirSync(join(h.dir, 'ledger'))
    const newOpen = after.find((f) => /^open-\d+\.jsonl$/.test(f))!
    const closed = after.find((f) => f.startsWith('closed-'))!

    // 1. Settled actions appended to their day's journal, nothing else yet.
    const s1 = join(tempDir(), 's1')
    copyTree(snapshot, s1)
    copyFileSync(join(h.dir, 'ledger', closed), join(s1, 'ledger', closed))
    // 2. ...and the next generation renamed into place, the old one not yet removed.
    const s2 = join(tempDir(), 's2')
    copyTree(s1, s2)
    copyFileSync(join(h.dir, 'ledger', newOpen), join(s2, 'ledger', newOpen))
    // 3. ...or the next generation still a temporary file.
    const s3 = join(tempDir(), 's3')
    copyTree(s1, s3)
    copyFileSync(join(h.dir, 'ledger', newOpen), join(s3, 'ledger', `${newOpen}.tmp-123`))
    for (const dir of [s1, s2, s3]) {
      for (let restart = 0; restart < 2; restart++) {
        const fresh = harness({ dir }).ledger
        expect(fresh.get(waiting.id)!.state).toBe('pending')
        expect(fresh.get(settled.id)!.state).toBe('declined')
        expect(fresh.size).toBe(2)
      }
      expect(readdirSync(join(dir, 'ledger')).filter((f) => f.includes('.tmp-'))).toEqual([])
    }
  })

  it('settled actions are dropped with their day after the retention period; actions in play never are', () => {
    const h = harness()
    const old = h.ledger.propose(draft(), 'pending')
    h.ledger.decide({ id: old.id, hash: old.hash, decision: 'decline', principal: 'u-ann' })
    const waiting = h.ledger.propose(draft(), 'pending')
    h.reopen()
    h.clock.now = T0 + (RETENTION_DAYS + 1) * 24 * HOUR
    const fresh = h.reopen()
    expect(fresh.get(old.id)).toBeUndefined()
    expect(fresh.get(waiting.id)?.state).toBe('pending')
    expect(filesHolding(h.dir, old.id)).toEqual([])
  })

  it('the layout of whole electron-store files is migrated on first start, nothing lost', () => {
    const dir = tempDir()
    const h = harness({ dir })
    const pending = h.ledger.propose(draft(), 'pending')
    const declined = h.ledger.propose(draft(), 'pending')
    h.ledger.decide({ id: declined.id, hash: declined.hash, decision: 'decline', principal: 'u-ann' })
    const records = [h.ledger.get(pending.id)!, h.ledger.get(declined.id)!]
    // Replace everything with what the earlier layout wrote: open-<bucket>.json and closed-<day>.json.
    rmSync(join(dir, 'ledger'), { recursive: true })
    const stores = createNodeStoreFactory(dir)
    stores.open({ name: 'open-a', folder: 'ledger', defaults: {} }).write({ actions: { [pending.id]: records[0] } })
    stores.open({ name: `closed-${new Date(T0).toISOString().slice(0, 10)}`, folder: 'ledger', defaults: {} }).write({ actions: { [declined.id]: records[1] } })

    const fresh = harness({ dir }).ledger
    expect(fresh.get(pending.id)).toEqual(records[0])
    expect(fresh.get(declined.id)).toEqual(records[1])
    expect(readdirSync(join(dir, 'ledger')).filter((f) => f.endsWith('.json')).sort()).toEqual(['meta.json'])
    expect(JSON.parse(readFileSync(join(dir, 'ledger', 'meta.json'), 'utf8')).format).toBe(2)
    expect(harness({ dir }).ledger.get(declined.id)?.state).toBe('declined')
  })
})

function copyTree(from: string, to: string): void {
  for (const entry of readdirSync(from, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue
    const src = join(entry.parentPath, entry.name)
    const dest = join(to, src.slice(from.length))
    mkdirp(dest)
    copyFileSync(src, dest)
  }
}

function mkdirp(file: string): void {
  const dir = file.slice(0, file.lastIndexOf('/'))
  if (!existsSync(dir)) mkdirSync(dir, { recursive: true })
}

describe('what changed since the previous start-up (audit reconciliation reads only this)', () => {
  it('is the actions in play and those settled since the last start, never older settled ones', () => {
    const h = harness()
    const old = h.ledger.propose(draft(), 'pending')
    h.ledger.decide({ id: old.id, hash: old.hash, decision: 'decline', principal: 'u-ann' })
    h.reopen() // that decline is filed away with the settled actions
    const second = h.reopen()
    const waiting = second.propose(draft(), 'pending')
    const settled = second.propose(draft(), 'pending')
    second.decide({ id: settled.id, hash: settled.hash, decision: 'approve', principal: 'u-ann' })
    second.transition(settled.id, 'executing')
    second.transition(settled.id, 'succeeded')
    const third = h.reopen()
    expect(third.changedSinceLastStart().map((a) => a.id).sort()).toEqual([waiting.id, settled.id].sort())
    expect(third.get(old.id)?.state).toBe('declined') // still there, read on first use
  })
})

describe('settled actions read on first use', () => {
  it('a decision on an action settled before a restart says it can no longer be decided', () => {
    const dir = mkdtempSync(join(tmpdir(), 'countersign-ledger-lazy-'))
    try {
      const open = () => new ActionLedger({ stores: createNodeStoreFactory(dir), clock: Date.now, expiryHours: () => 48 })
      const first = open()
      const card = { summary: 's', detail: { kind: 'read' as const, inputs: [] } }
      const action = first.propose({ conversationId: 'c', toolCallId: 't', ability: 'update_record', abilityTitle: 'Update', input: {}, recordVersion: '1', card, principal: 'u', userName: 'U', provider: 'p', model: 'm' }, 'pending')
      first.decide({ id: action.id, hash: action.hash, decision: 'decline', principal: 'u' })
      const second = open()
      expect(() => second.decide({ id: action.id, hash: action.hash, decision: 'approve', principal: 'u' })).toThrow(/this action was declined/)
      expect(second.get(action.id)?.state).toBe('declined')
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
