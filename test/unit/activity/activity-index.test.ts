// The Activity index on its own: writes whose action lines reach the log before their tool call's
// line (a proposal is audited before its activity line; a recovery may add more for the same call)
// end up on the request that made the call, for the right person only; and a log read a slice at a
// time (after start-up) gives the same index as one read at once, whatever is appended, queried or
// archived meanwhile.
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { ActivityIndex } from '../../../src/main/activity/activity-index'
import { AuditLog } from '../../../src/main/audit/audit-log'
import { archiveOlderThan } from '../../../src/main/audit/retention'
import type { AuditEntry, AuditEvent, RequestEvent, ToolEvent } from '../../../src/main/audit/entries'
import { tempDir } from '../../support/test-app'

const dirs: { remove(): void }[] = []
afterEach(() => {
  while (dirs.length) dirs.pop()!.remove()
})

function log(): AuditLog {
  const dir = tempDir('countersign-activity-index-')
  dirs.push(dir)
  return new AuditLog(join(dir.path, 'audit.jsonl'))
}

const T0 = Date.UTC(2026, 10, 2, 9)
const actionLine = (actionId: string, principal: string, toolCallId: string, at: number, event: 'proposed' | 'recovered' = 'proposed'): AuditEvent => ({
  at,
  event,
  actionId,
  ability: 'update_record',
  hash: 'ab'.repeat(32),
  principal,
  state: 'pending',
  provider: 'demo',
  model: 'demo',
  outcome: 'pending',
  conversationId: 'c1',
  toolCallId
})
const request = (principal: string, at: number): RequestEvent => ({ at, event: 'request', principal, conversationId: 'c1', requestId: 'r1', text: 'Move the deal' })
const toolLine = (actionId: string, principal: string, toolCallId: string, at: number): ToolEvent => ({
  at,
  event: 'tool',
  principal,
  conversationId: 'c1',
  requestId: 'r1',
  toolCallId,
  ability: 'update_record',
  effect: 'write',
  outcome: 'proposed',
  records: [],
  actionId,
  summary: 'Move the deal to proposal'
})
const page = (index: ActivityIndex, principal: string) => index.query(principal, {}, { limit: 50, titleOf: () => null }).items

describe('ActivityIndex', () => {
  it('moves every write of a call seen before the call onto its request, whether the log is read whole or followed', () => {
    const entries: AuditEntry[] = [
      request('ann', T0),
      actionLine('a1', 'ann', 'call-1', T0 + 1),
      actionLine('a2', 'ann', 'call-1', T0 + 2, 'recovered'),
      toolLine('a1', 'ann', 'call-1', T0 + 3)
    ]
    for (const mode of ['read whole', 'followed'] as const) {
      const audit = log()
      const index = new ActivityIndex(audit)
      if (mode === 'followed') index.ensure()
      for (const e of entries) audit.append(e)
      const items = page(index, 'ann')
      expect(items.map((i) => i.kind), mode).toEqual(['request'])
      expect(items[0].writes.map((w) => w.actionId).sort(), mode).toEqual(['a1', 'a2'])
    }
  })

  it("never moves another person's write onto a request, even with the same conversation and call ids", () => {
    const audit = log()
    for (const e of [request('ann', T0), actionLine('b1', 'bob', 'call-1', T0 + 1), toolLine('a1', 'ann', 'call-1', T0 + 2)]) audit.append(e)
    const index = new ActivityIndex(audit)
    expect(page(index, 'ann')[0].writes.map((w) => w.actionId)).toEqual(['a1'])
    expect(page(index, 'bob').map((i) => [i.kind, i.writes.map((w) => w.actionId)])).toEqual([['action', ['b1']]])
  })

  describe('read a slice at a time after start-up', () => {
    const DAY = 86_400_000
    /** A request with a read and, every third one, a write that is proposed and decided. */
    function requestLines(i: number, principal: string, at: number): AuditEntry[] {
      const base = { principal, conversationId: `c${i % 7}`, requestId: `r${i}` }
      const out: AuditEntry[] = [
        { at, event: 'request', ...base, text: `question ${i}` },
        { at: at + 1, event: 'step', ...base, providerKind: 'demo', provider: 'demo', model: 'demo', inputTokens: 10 + i, outputTokens: 3, outcome: 'tools' },
        { at: at + 2, event: 'tool', ...base, toolCallId: `read-${i}`, ability: 'search_records', effect: 'read', outcome: 'returned', records: [{ type: 'deal', id: String(i), label: `Deal ${i}` }] }
      ]
      if (i % 3 === 0) {
        out.push({ ...actionLine(`a${i}`, principal, `call-${i}`, at + 3), conversationId: base.conversationId })
        out.push({ ...toolLine(`a${i}`, principal, `call-${i}`, at + 4), ...base })
        out.push({ ...actionLine(`a${i}`, principal, `call-${i}`, at + 5), conversationId: base.conversationId, event: 'decided', state: 'approved', outcome: 'approved' })
      }
      return out
    }
    function seeded(requests: number): AuditLog {
      const audit = log()
      for (let i = 0; i < requests; i++) for (const e of requestLines(i, i % 2 ? 'bob' : 'ann', T0 + i * DAY)) audit.append(e, 'soon')
      audit.flush()
      return audit
    }
    const everything = (index: ActivityIndex, principal: string) => index.all(principal, {}, () => null)
    /** The index read at once from the same file: what every other way of reading must equal. */
    const atOnce = (audit: AuditLog) => {
      const index = new ActivityIndex(audit)
      index.ensure()
      return index
    }
    const turn = () => new Promise((resolve) => setImmediate(resolve))

    it('gives the same index as a read at once, with lines appended between the slices counted once', async () => {
      const audit = seeded(1_200) // about 4,400 lines: three slices
      const index = new ActivityIndex(audit)
      let pauses = 0
      let next = 1_200
      await index.warm(async () => {
        pauses++
        // The app goes on meanwhile: a new request, and a decision on a write read in an earlier slice.
        for (const e of requestLines(next, 'ann', T0 + next * DAY)) audit.append(e)
        audit.append({ ...actionLine('a3', 'bob', 'call-3', T0 + next * DAY + 9), event: 'executed', state: 'succeeded', outcome: 'succeeded' })
        next++
        await turn()
      })
      expect(pauses).toBeGreaterThanOrEqual(2)
      const reference = atOnce(audit)
      for (const who of ['ann', 'bob']) expect(everything(index, who)).toEqual(everything(reference, who))
      expect(everything(index, 'ann').filter((i) => i.id.startsWith('r1200'))).toHaveLength(1)
      expect(everything(index, 'bob').find((i) => i.id === 'r3')!.writes[0].outcome).toBe('succeeded')
      // After the read, appends are followed as before.
      for (const e of requestLines(next, 'ann', T0 + next * DAY)) audit.append(e)
      expect(everything(index, 'ann')).toEqual(everything(atOnce(audit), 'ann'))
    })

    it('a query during the read finishes it at once; the paused read then stops', async () => {
      const audit = seeded(1_200)
      const index = new ActivityIndex(audit)
      let pauses = 0
      let page: ReturnType<typeof index.query> | null = null
      await index.warm(async () => {
        pauses++
        if (pauses === 1) page = index.query('ann', {}, { limit: 50, titleOf: () => null })
        await turn()
      })
      expect(pauses, 'the read was finished by the query, not by more slices').toBe(1)
      expect(page!.items).toEqual(atOnce(audit).query('ann', {}, { limit: 50, titleOf: () => null }).items)
      expect(page!.total.requests).toBe(600)
    })

    it('when archiving rewrites the log during the read, the next query reads the new file', async () => {
      const audit = seeded(1_200)
      const index = new ActivityIndex(audit)
      let archived = false
      await index.warm(async () => {
        if (!archived) archiveOlderThan(audit, T0 + 1_000 * DAY, T0 + 1_300 * DAY)
        archived = true
        await turn()
      })
      expect(archived).toBe(true)
      const ann = everything(index, 'ann')
      expect(ann).toEqual(everything(atOnce(audit), 'ann'))
      expect(ann.length, 'only what was not archived').toBe(100)
    })

    it('stops when the app stops, and a later query still reads everything', async () => {
      const audit = seeded(1_200)
      const index = new ActivityIndex(audit)
      let stop = false
      let pauses = 0
      await index.warm(
        async () => {
          pauses++
          stop = true
          await turn()
        },
        () => stop
      )
      expect(pauses).toBe(1)
      expect(everything(index, 'bob')).toEqual(everything(atOnce(audit), 'bob'))
    })
  })
})
