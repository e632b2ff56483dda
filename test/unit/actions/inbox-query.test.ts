// The paged inbox against a real ledger on disk: pages cover everything exactly once in the
// promised order, other users' actions never appear or count, and changes between pages neither
// skip nor repeat a row.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { InboxCursorError, queryInbox, type InboxPageInput } from '../../../src/main/actions/inbox-query'
import { ActionLedger, type ProposalDraft } from '../../../src/main/actions/ledger'
import { createNodeStoreFactory } from '../../../src/main/storage/node-store'

const HOUR = 3_600_000
const T0 = 1_700_000_000_000
const dirs: string[] = []
afterEach(() => {
  while (dirs.length) rmSync(dirs.pop()!, { recursive: true, force: true })
})

function harness() {
  const dir = mkdtempSync(join(tmpdir(), 'countersign-inbox-'))
  dirs.push(dir)
  const clock = { now: T0 }
  let expiryHours = 48
  const ledger = new ActionLedger({ stores: createNodeStoreFactory(dir), clock: () => clock.now, expiryHours: () => expiryHours })
  const propose = (userId: string, at: number, hours = 48) => {
    clock.now = at
    expiryHours = hours
    const draft: ProposalDraft = {
      conversationId: 'c1',
      toolCallId: `t${at}`,
      ability: 'update_record',
      abilityTitle: 'Update a record',
      input: { at },
      recordVersion: null,
      card: { summary: `at ${at}`, detail: { kind: 'read', inputs: [] } },
      principal: userId,
      userName: userId,
      provider: 'demo',
      model: 'demo'
    }
    return ledger.propose(draft, 'pending')
  }
  return { ledger, clock, propose }
}

function all(ledger: ActionLedger, userId: string, input: Omit<InboxPageInput, 'cursor'>): string[] {
  const ids: string[] = []
  let cursor: string | undefined
  for (let guard = 0; guard < 1000; guard++) {
    const page = queryInbox(ledger, userId, { ...input, cursor })
    ids.push(...page.items.map((a) => a.id))
    if (!page.nextCursor) return ids
    cursor = page.nextCursor
  }
  throw new Error('pages never ended')
}

describe('paged inbox', () => {
  it('pages by time left (soonest first) or newest first, each action exactly once, with the total', () => {
    const { ledger, propose } = harness()
    // Created in order, but with expiries that do not follow creation.
    const made = Array.from({ length: 23 }, (_, i) => propose('u-ann', T0 + i * 1000, 1 + ((i * 7) % 23)))
    const first = queryInbox(ledger, 'u-ann', { list: 'waiting', sort: 'time_left', limit: 5 })
    expect(first.total).toBe(23)
    expect(first.items).toHaveLength(5)
    const byTimeLeft = all(ledger, 'u-ann', { list: 'waiting', sort: 'time_left', limit: 5 })
    expect(byTimeLeft).toEqual([...made].sort((a, b) => a.expiresAt - b.expiresAt).map((a) => a.id))
    const newest = all(ledger, 'u-ann', { list: 'waiting', sort: 'newest', limit: 4 })
    expect(newest).toEqual([...made].reverse().map((a) => a.id))
  })

  it("never shows or counts another user's actions", () => {
    const { ledger, propose } = harness()
    propose('u-ann', T0)
    const bob = propose('u-bob', T0 + 1)
    expect(queryInbox(ledger, 'u-ann', { list: 'waiting', limit: 50 }).items.map((a) => a.principal)).toEqual(['u-ann'])
    expect(queryInbox(ledger, 'u-ann', { list: 'waiting', limit: 0 }).total).toBe(1)
    expect(queryInbox(ledger, null, { list: 'waiting', limit: 50 })).toEqual({ items: [], total: 0, nextCursor: null })
    ledger.decide({ id: bob.id, hash: bob.hash, decision: 'decline', principal: 'u-bob' })
    expect(queryInbox(ledger, 'u-ann', { list: 'decided', limit: 50 }).total).toBe(0)
  })

  it('a decision between two pages neither skips nor repeats a row', () => {
    const { ledger, propose } = harness()
    const made = Array.from({ length: 10 }, (_, i) => propose('u-ann', T0 + i, 10 + i))
    const page1 = queryInbox(ledger, 'u-ann', { list: 'waiting', sort: 'time_left', limit: 4 })
    // The user declines two rows already seen; someone adds one that sorts after the cursor.
    for (const a of made.slice(0, 2)) ledger.decide({ id: a.id, hash: a.hash, decision: 'decline', principal: 'u-ann' })
    const late = propose('u-ann', T0 + 100, 30)
    const rest = all(ledger, 'u-ann', { list: 'waiting', sort: 'time_left', limit: 4 }).filter((id) => !page1.items.some((a) => a.id === id))
    const page2 = queryInbox(ledger, 'u-ann', { list: 'waiting', sort: 'time_left', limit: 100, cursor: page1.nextCursor! })
    expect(page2.items.map((a) => a.id)).toEqual(rest)
    expect(page2.items.map((a) => a.id)).toEqual([...made.slice(4).map((a) => a.id), late.id])
  })

  it('decided actions move to the Decided list, newest change first, with filters', () => {
    const { ledger, clock, propose } = harness()
    const a = propose('u-ann', T0)
    const b = propose('u-ann', T0 + 1)
    const c = propose('u-ann', T0 + 2, 1)
    clock.now = T0 + 10
    ledger.decide({ id: a.id, hash: a.hash, decision: 'decline', principal: 'u-ann', reason: 'no' })
    clock.now = T0 + 20
    ledger.decide({ id: b.id, hash: b.hash, decision: 'approve', principal: 'u-ann' })
    clock.now = T0 + 2 * HOUR
    ledger.sweepExpired()
    expect(queryInbox(ledger, 'u-ann', { list: 'waiting', limit: 10 }).total).toBe(0)
    const decided = queryInbox(ledger, 'u-ann', { list: 'decided', limit: 10 })
    expect(decided.items.map((x) => [x.id, x.state])).toEqual([
      [c.id, 'expired'],
      [b.id, 'approved'],
      [a.id, 'declined']
    ])
    expect(queryInbox(ledger, 'u-ann', { list: 'decided', filter: 'expired', limit: 10 }).items.map((x) => x.id)).toEqual([c.id])
    expect(queryInbox(ledger, 'u-ann', { list: 'decided', filter: 'approved', limit: 10 }).items.map((x) => x.id)).toEqual([b.id])
    expect(queryInbox(ledger, 'u-ann', { list: 'decided', filter: 'declined', limit: 10 }).items[0].declineReason).toBe('no')
  })

  it('an outcome nobody knows comes first by time left (it never expires and needs the user)', () => {
    const { ledger, propose } = harness()
    propose('u-ann', T0, 1)
    const b = propose('u-ann', T0 + 1, 40)
    ledger.decide({ id: b.id, hash: b.hash, decision: 'approve', principal: 'u-ann' })
    ledger.transition(b.id, 'executing')
    ledger.transition(b.id, 'outcome_unknown')
    expect(queryInbox(ledger, 'u-ann', { list: 'waiting', sort: 'time_left', limit: 10 }).items[0].id).toBe(b.id)
  })

  it('a forged or garbled cursor is refused with a plain message', () => {
    const { ledger, propose } = harness()
    propose('u-ann', T0)
    for (const cursor of ['nonsense', '~x', 'abc~id', '1e400~id']) {
      expect(() => queryInbox(ledger, 'u-ann', { list: 'waiting', limit: 10, cursor })).toThrow(InboxCursorError)
    }
  })
})
