// The Activity trail through the real core (createApp, sample workspace, the demo assistant behind a
// stub provider): what was asked and answered, the reads with the records they returned, every
// write's outcome with who decided and why, tokens and cost; filters, export, one person never
// seeing another's; the chain checked and an edit found.
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { ActivityItem } from '../../../src/shared/activity'
import { createDemoModel } from '../../../src/main/providers/demo'
import { openTestApp, tempDir, TestClock } from '../../support/test-app'

type T = Awaited<ReturnType<typeof openTestApp>>
let dir: ReturnType<typeof tempDir>
let t: T
let clock: TestClock

beforeEach(async () => {
  dir = tempDir()
  clock = new TestClock(Date.UTC(2026, 2, 10, 9, 0, 0))
  t = await openTestApp(dir.path, { model: () => createDemoModel(), clock })
  await t.signIn('maria')
  // The stub provider reports itself as OpenAI's "scripted": it has no default price.
  await t.h['activity.setPrice']({ providerKind: 'openai', model: 'scripted', inputPerMillion: 2, outputPerMillion: 10 })
})
afterEach(async () => {
  await t.close()
  dir.remove()
})

async function ask(text: string): Promise<string> {
  const c = await t.h['conversations.create']({})
  await t.say(c.id, text)
  clock.now += 60_000
  return c.id
}
async function cardIn(conversationId: string) {
  const [card] = (await t.h['actions.forConversation']({ conversationId })).filter((a) => a.state === 'pending')
  return card
}
const list = async (filters = {}) => (await t.h['activity.list']({ filters })).items
const byQuestion = (items: ActivityItem[], q: RegExp) => items.find((i) => q.test(i.question ?? ''))!

/** A session of reads, an approved email, a declined update and an expired action. */
async function session() {
  await ask('Show overdue invoices')
  const email = await ask('Email Acme Marine Outfitters about their overdue invoice')
  const emailCard = await cardIn(email)
  await t.h['actions.decide']({ actionId: emailCard.id, hash: emailCard.hash, decision: 'approve' })
  await t.app.assistant.idle()
  const update = await ask('Set the amount of the deal Kayak rack fixtures to 25,000')
  const updateCard = await cardIn(update)
  await t.h['actions.decide']({ actionId: updateCard.id, hash: updateCard.hash, decision: 'decline', reason: 'Wait for the signed quote' })
  await t.app.assistant.idle()
  const stale = await ask('Move the deal Spring dock hardware order to negotiation')
  clock.advanceHours(49)
  t.app.assistant.sweep()
  await t.app.assistant.idle()
  return { email, emailCard, update, updateCard, stale }
}

describe('the activity trail', () => {
  it('shows each request with its reads, records, writes, outcomes, tokens and cost, newest first', async () => {
    const s = await session()
    const items = await list()
    expect(items.map((i) => i.question)).toEqual([
      'Move the deal Spring dock hardware order to negotiation',
      'Set the amount of the deal Kayak rack fixtures to 25,000',
      'Email Acme Marine Outfitters about their overdue invoice',
      'Show overdue invoices'
    ])

    const reads = byQuestion(items, /overdue invoices/)
    expect(reads.answer).toMatch(/INV-/)
    expect(reads.reads).toHaveLength(1)
    expect(reads.reads[0]).toMatchObject({ ability: 'list_overdue_invoices', outcome: 'returned' })
    expect(reads.reads[0].records.map((r) => r.label)).toContain('Acme Marine Outfitters')
    expect(reads.reads[0].records.some((r) => r.type === 'invoice' && r.label.startsWith('INV-'))).toBe(true)
    expect(reads.writes).toHaveLength(0)

    const email = byQuestion(items, /^Email/)
    expect(email.conversationId).toBe(s.email)
    expect(email.writes).toHaveLength(1)
    expect(email.writes[0]).toMatchObject({ actionId: s.emailCard.id, ability: 'send_message', outcome: 'succeeded', decidedBy: 'Maria Chen' })
    // The email is about Acme's overdue invoice: the record the card names.
    expect(email.writes[0].records).toEqual([expect.objectContaining({ type: 'invoice', label: expect.stringMatching(/^INV-.*Acme Marine Outfitters/) })])
    expect(email.writes[0].decidedAt).toBeGreaterThan(email.at)
    expect(email.writes[0].result).toBeTruthy()

    const declined = byQuestion(items, /Kayak/)
    expect(declined.writes[0]).toMatchObject({ ability: 'update_record', outcome: 'declined', declineReason: 'Wait for the signed quote', decidedBy: 'Maria Chen' })
    expect(declined.writes[0].records[0]).toMatchObject({ type: 'deal', label: expect.stringMatching(/^Kayak rack fixtures/) })

    const expired = byQuestion(items, /Spring dock/)
    expect(expired.writes[0]).toMatchObject({ outcome: 'expired', decidedBy: null })

    // Tokens as the steps reported them, and cost at the price set (2 $/M in, 10 $/M out).
    for (const item of items) {
      expect(item.providers).toEqual([{ provider: 'Test provider', model: 'scripted' }])
      expect(item.inputTokens).toBeGreaterThan(0)
      expect(item.outputTokens).toBeGreaterThan(0)
      expect(item.costUsd).toBeCloseTo((item.inputTokens! * 2 + item.outputTokens! * 10) / 1_000_000, 12)
      expect(item.unpricedSteps).toBe(0)
    }
    // The answers in the conversation carry the same tokens.
    const conv = await t.h['conversations.get']({ conversationId: s.email })
    const shown = conv.entries.filter((e) => e.kind === 'assistant').reduce((n, e) => n + (e.kind === 'assistant' && e.usage ? e.usage.inputTokens : 0), 0)
    expect(shown).toBe(email.inputTokens)

    const page = await t.h['activity.list']({ filters: {} })
    expect(page.total.requests).toBe(4)
    expect(page.total.costUsd).toBeCloseTo(items.reduce((n, i) => n + i.costUsd!, 0), 12)
    expect(page.months).toEqual([expect.objectContaining({ month: '2026-03', requests: 4 })])
  })

  it('a model with no price shows tokens only, never a guessed cost', async () => {
    await t.h['activity.removePrice']({ providerKind: 'openai', model: 'scripted' })
    await ask('Show overdue invoices')
    const [item] = await list()
    expect(item.inputTokens).toBeGreaterThan(0)
    expect(item.costUsd).toBeNull()
    expect(item.unpricedSteps).toBeGreaterThan(0)
    const settings = await t.h['activity.settings']({})
    expect(settings.prices.find((p) => p.model === 'scripted')).toBeUndefined()
    expect(settings.prices.find((p) => p.model === 'gpt-5.4-mini')).toMatchObject({ source: 'default', inputPerMillion: 0.75, outputPerMillion: 4.5 })
  })

  it('filters by outcome, ability, record, conversation, date and text; pages newest first', async () => {
    const s = await session()
    expect((await list({ outcome: 'declined' })).map((i) => i.conversationId)).toEqual([s.update])
    expect((await list({ outcome: 'expired' })).map((i) => i.conversationId)).toEqual([s.stale])
    expect((await list({ outcome: 'succeeded' })).map((i) => i.conversationId)).toEqual([s.email])
    expect((await list({ ability: 'list_overdue_invoices' })).length).toBeGreaterThanOrEqual(1)
    expect((await list({ conversationId: s.update })).map((i) => i.conversationId)).toEqual([s.update])
    // Everything the assistant did to Acme's overdue invoice: the read that returned it and the email about it.
    const acme = (await list({ text: 'Email Acme' }))[0].writes[0].records[0]
    const touched = await list({ record: `${acme.type}:${acme.id}` })
    expect(touched.map((i) => i.question)).toEqual(['Email Acme Marine Outfitters about their overdue invoice', 'Show overdue invoices'])
    expect((await list({ text: 'SIGNED QUOTE' })).map((i) => i.conversationId)).toEqual([s.update])
    const all = await list()
    const emailAt = byQuestion(all, /^Email/).at
    expect((await list({ from: emailAt, to: emailAt + 1 })).map((i) => i.conversationId)).toEqual([s.email])
    // Pages: two at a time, no item twice, none lost.
    const principal = (await t.h['app.getState']({})).user!.principal
    const first = t.app.activity.page(principal, {}, null, 2)
    const second = t.app.activity.page(principal, {}, first.nextCursor, 2)
    expect([...first.items, ...second.items].map((i) => i.id)).toEqual(all.map((i) => i.id))
    expect(second.nextCursor).toBeNull()
  })

  it('one person never sees another\'s activity', async () => {
    await session()
    await t.signIn('frank')
    expect(await list()).toEqual([])
    expect(await list({ text: 'Acme' })).toEqual([])
    await ask('Show overdue invoices')
    const mine = await list()
    expect(mine).toHaveLength(1)
    const exported = await t.h['activity.export']({ filters: {}, format: 'jsonl' })
    expect(exported.content).not.toMatch(/Kayak|Spring dock|Maria/)
    // Frank's price table is his own: Maria's price for the stub model does not apply to him.
    expect(mine[0].costUsd).toBeNull()
  })

  it('exports the period on screen as CSV and JSON Lines, formulas defused', async () => {
    await session()
    await ask('=HYPERLINK("http://evil.example","click") show overdue invoices')
    const csv = await t.h['activity.export']({ filters: {}, format: 'csv' })
    expect(csv.filename).toMatch(/^countersign-activity-start-to-\d{4}-\d{2}-\d{2}\.csv$/)
    const rows = csv.content.trim().split('\r\n')
    expect(rows[0]).toMatch(/^time,row,request,conversation/)
    expect(csv.content).toContain('declined')
    expect(csv.content).toContain('Wait for the signed quote')
    expect(csv.content).toMatch(/INV-\S+ \(Acme Marine Outfitters\) \(invoice inv-\d+\)/)
    expect(csv.content).not.toMatch(/(^|,)"?=HYPERLINK/m)
    expect(csv.content).toContain(`"'=HYPERLINK(""http://evil.example""`)
    const jsonl = await t.h['activity.export']({ filters: { outcome: 'declined' }, format: 'jsonl' })
    const lines = jsonl.content.trim().split('\n').map((l) => JSON.parse(l) as ActivityItem)
    expect(lines).toHaveLength(1)
    expect(lines[0].writes[0].declineReason).toBe('Wait for the signed quote')
  })

  it('the chain checks whole, and an edited byte is reported at its entry', async () => {
    await session()
    expect(await t.h['activity.verify']({})).toMatchObject({ ok: true, unchained: 0, firstBreak: null })
    const file = join(dir.path, 'audit', 'audit.jsonl')
    const lines = readFileSync(file, 'utf8').split('\n')
    const target = lines.findIndex((l) => l.includes('Wait for the signed quote'))
    lines[target] = lines[target].replace('Wait for the signed quote', 'Wait for the signed quotf')
    writeFileSync(file, lines.join('\n'))
    const report = await t.h['activity.verify']({})
    expect(report.ok).toBe(false)
    expect(report.firstBreak).toMatchObject({ line: target + 1, reason: 'altered' })
  })
})
