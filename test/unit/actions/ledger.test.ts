// The action ledger against real files (conf, electron-store's engine) in a temp folder.
// "On disk" is checked by opening a fresh ledger on the same folder, as a restart would, or by
// reading the JSON files under <data>/ledger. The tests do not assume how actions are spread
// over those files (bucket count, naming), only that they are JSON files in that folder.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { ActionLedger, DEFAULT_EXPIRY_HOURS, DecisionRefusedError, type ActionRecord, type LedgerDamage, type ProposalDraft } from '../../../src/main/actions/ledger'
import { actionHash } from '../../../src/main/actions/hash'
import { IllegalTransitionError } from '../../../src/main/actions/state-machine'
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

/** The ledger's JSON files that mention `id` (the layout is the ledger's business). */
function filesHolding(dir: string, id: string): string[] {
  const folder = join(dir, 'ledger')
  return readdirSync(folder)
    .filter((f) => f.endsWith('.json') && !f.includes('.corrupt-'))
    .map((f) => join(folder, f))
    .filter((f) => readFileSync(f, 'utf8').includes(id))
}

function stateOnDisk(dir: string, id: string): string[] {
  return filesHolding(dir, id).map((f) => JSON.parse(readFileSync(f, 'utf8')).actions[id]?.state)
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
    const seen: [string, string[]][] = []
    const ledger = new ActionLedger({
      stores: createNodeStoreFactory(dir),
      clock: () => T0,
      expiryHours: () => 48,
      onChange: (a) => seen.push([a.state, stateOnDisk(dir, a.id)])
    })
    const a = ledger.propose(draft(), 'pending')
    ledger.decide({ id: a.id, hash: a.hash, decision: 'approve', principal: 'u-ann' })
    ledger.transition(a.id, 'executing')
    ledger.transition(a.id, 'succeeded')
    // Exactly one file holds the action, in the state being announced.
    expect(seen).toEqual([
      ['pending', ['pending']],
      ['approved', ['approved']],
      ['executing', ['executing']],
      ['succeeded', ['succeeded']]
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
  it('restores many actions spread across the ledger files, with their states', () => {
    const h = harness()
    const ids = new Map<string, string>()
    for (let i = 0; i < 300; i++) {
      h.clock.now = T0 + i * 60_000
      const a = h.ledger.propose(draft({ conversationId: `c${i % 7}` }), i % 3 === 0 ? 'executing' : 'pending')
      if (i % 3 === 1) h.ledger.decide({ id: a.id, hash: a.hash, decision: 'decline', principal: 'u-ann', reason: `r${i}` })
      ids.set(a.id, h.ledger.get(a.id)!.state)
    }
    const files = new Set([...ids.keys()].flatMap((id) => filesHolding(h.dir, id)))
    expect(files.size).toBeGreaterThan(1) // really spread over several files

    const fresh = h.reopen()
    expect(fresh.size).toBe(300)
    for (const [id, state] of ids) expect(fresh.get(id)!.state).toBe(state)
    expect(fresh.inState('declined')).toHaveLength(100)
    expect(fresh.inState('executing')).toHaveLength(100)
    expect(fresh.inState('pending')).toHaveLength(100)
  })

  it('each action is held by exactly one ledger file, whatever state it reached', () => {
    const h = harness()
    const a = h.ledger.propose(draft(), 'pending')
    const b = h.ledger.propose(draft(), 'pending')
    h.ledger.decide({ id: b.id, hash: b.hash, decision: 'decline', principal: 'u-ann' })
    const c = h.ledger.propose(draft(), 'executing')
    h.ledger.transition(c.id, 'outcome_unknown')
    expect(stateOnDisk(h.dir, a.id)).toEqual(['pending'])
    expect(stateOnDisk(h.dir, b.id)).toEqual(['declined'])
    expect(stateOnDisk(h.dir, c.id)).toEqual(['outcome_unknown'])
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

  it('a corrupt ledger file is moved aside, onCorrupt is told, and the rest loads', () => {
    const h = harness()
    const actions = Array.from({ length: 60 }, () => h.ledger.propose(draft(), 'pending'))
    const victim = actions[0]
    const [file] = filesHolding(h.dir, victim.id)
    expect(file).toBeDefined()
    const inFile = new Set(Object.keys(JSON.parse(readFileSync(file, 'utf8')).actions))
    writeFileSync(file, '{"actions": {"torn', 'utf8')

    const onCorrupt = vi.fn()
    const fresh = harness({ dir: h.dir, onCorrupt }).ledger
    expect(onCorrupt).toHaveBeenCalledTimes(1)
    const damage = onCorrupt.mock.calls[0][0] as LedgerDamage
    expect(damage.lost).toBe('unknown')
    expect(damage.keptAs).toMatch(/^ledger\/open-.*\.corrupt-/) // within the data folder, never absolute
    const movedTo = join(h.dir, damage.keptAs)
    expect(existsSync(movedTo)).toBe(true)
    expect(readFileSync(movedTo, 'utf8')).toBe('{"actions": {"torn') // kept for inspection
    const kept = actions.filter((a) => !inFile.has(a.id))
    expect(kept.length).toBeGreaterThan(0)
    for (const a of kept) expect(fresh.get(a.id)?.state).toBe('pending')
    for (const a of actions.filter((a) => inFile.has(a.id))) expect(fresh.get(a.id)).toBeUndefined()
    expect(fresh.size).toBe(kept.length)
    // The ledger still works, and a later start-up does not report the same file again.
    const again = fresh.propose(draft(), 'pending')
    const onCorruptLater = vi.fn()
    expect(harness({ dir: h.dir, onCorrupt: onCorruptLater }).ledger.get(again.id)!.state).toBe('pending')
    expect(onCorruptLater).not.toHaveBeenCalled()
  })

  it('valid JSON of the wrong shape loses only the damaged action, says which, and start-up goes on', () => {
    const h = harness()
    const actions = Array.from({ length: 40 }, () => h.ledger.propose(draft(), 'pending'))
    const victim = actions[0]
    const [file] = filesHolding(h.dir, victim.id)
    const doc = JSON.parse(readFileSync(file, 'utf8'))
    doc.actions[victim.id] = { ...doc.actions[victim.id], state: 'teleported' }
    doc.actions['x'] = null
    writeFileSync(file, JSON.stringify(doc), 'utf8')

    const onCorrupt = vi.fn()
    const fresh = harness({ dir: h.dir, onCorrupt }).ledger
    expect(onCorrupt).toHaveBeenCalledTimes(1)
    const damage = onCorrupt.mock.calls[0][0] as LedgerDamage
    expect(damage.lost).toEqual(expect.arrayContaining([{ abilityTitle: victim.abilityTitle, conversationId: victim.conversationId }]))
    expect((damage.lost as unknown[]).length).toBe(2)
    expect(existsSync(join(h.dir, damage.keptAs))).toBe(true)
    expect(fresh.get(victim.id)).toBeUndefined()
    for (const a of actions.slice(1)) expect(fresh.get(a.id)?.state).toBe('pending')
    // The damaged entries are gone from the file: the next start-up is quiet.
    const later = vi.fn()
    harness({ dir: h.dir, onCorrupt: later })
    expect(later).not.toHaveBeenCalled()
  })

  it.each(['[]', '5', '"text"', 'null', '{"actions": 5}', '{"actions": []}'])('a ledger file holding %s does not stop start-up', (content) => {
    const h = harness()
    const a = h.ledger.propose(draft(), 'pending')
    const b = h.ledger.propose(draft(), 'pending')
    const [file] = filesHolding(h.dir, a.id)
    const sameFile = filesHolding(h.dir, b.id)[0] === file
    writeFileSync(file, content, 'utf8')
    const onCorrupt = vi.fn()
    const fresh = harness({ dir: h.dir, onCorrupt }).ledger
    expect(onCorrupt).toHaveBeenCalled()
    expect(fresh.get(a.id)).toBeUndefined()
    if (!sameFile) expect(fresh.get(b.id)?.state).toBe('pending')
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
