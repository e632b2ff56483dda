// What people do with conversations, through the real core: rename, delete (refused while an
// action is in play; the audit trail is kept), search across what was said, no pile of empty
// "New conversation" entries, and a stopped answer that the model never reads unless kept.
import type { LanguageModelV4CallOptions, LanguageModelV4StreamPart } from '@ai-sdk/provider'
import { MockLanguageModelV4 } from 'ai/test'
import { afterEach, describe, expect, it } from 'vitest'
import { createSeedWorkspace } from '../../../src/main/crm/sample/seed'
import { scriptedModel, type ScriptStep } from '../../support/scripted-model'
import { openTestApp, tempDir, TestClock } from '../../support/test-app'

const cleanups: (() => Promise<void> | void)[] = []
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c()
})

async function open(steps: ScriptStep[], model?: () => MockLanguageModelV4) {
  const dir = tempDir()
  const script = scriptedModel(steps)
  const t = await openTestApp(dir.path, { model: model ?? (() => script.model) })
  cleanups.push(() => dir.remove(), () => t.close())
  await t.signIn('maria')
  return t
}

/** Maria's card for a deal amount, on an app whose clock the test moves. */
async function cardWithClock(dealId: string, amount: number) {
  const steps: ScriptStep[] = [{ toolCalls: [{ name: 'update_record', input: { type: 'deal', id: dealId, fields: { amount } } }] }]
  const dir = tempDir()
  const script = scriptedModel(steps)
  const clock = new TestClock()
  const t = await openTestApp(dir.path, { model: () => script.model, clock })
  cleanups.push(() => dir.remove(), () => t.close())
  await t.signIn('maria')
  const c = await t.h['conversations.create']({})
  await t.say(c.id, 'Set the amount')
  const [card] = await t.h['actions.inbox']({})
  return { t, c, card, steps, clock }
}

const openDeal = () => createSeedWorkspace().records.deal.find((d) => d.fields.stage !== 'won' && d.fields.stage !== 'lost')!

describe('managing conversations', () => {
  it('renames, refuses invisible characters, and another person cannot rename or see it', async () => {
    const t = await open([{ text: 'Hello.' }])
    const c = await t.h['conversations.create']({})
    await t.say(c.id, 'Hi')
    expect((await t.h['conversations.rename']({ conversationId: c.id, title: '  Q3   pipeline  ' })).title).toBe('Q3 pipeline')
    await expect(t.h['conversations.rename']({ conversationId: c.id, title: 'Q3\u202Eenilepip' })).rejects.toThrow(/invisible characters/)
    await expect(t.h['conversations.rename']({ conversationId: c.id, title: '   ' })).rejects.toThrow(/Give the conversation a name/)
    await t.signIn('rita')
    await expect(t.h['conversations.rename']({ conversationId: c.id, title: 'mine now' })).rejects.toThrow(/not yours/)
    await t.signIn('maria')
    expect((await t.h['conversations.list']({})).map((x) => x.title)).toEqual(['Q3 pipeline'])
  })

  it('reuses an untouched "New conversation" instead of piling up empty ones', async () => {
    const t = await open([{ text: 'Hello.' }])
    const a = await t.h['conversations.create']({})
    const b = await t.h['conversations.create']({})
    expect(b.id).toBe(a.id)
    await t.say(a.id, 'Hi')
    const c = await t.h['conversations.create']({})
    expect(c.id).not.toBe(a.id)
    expect(await t.h['conversations.list']({})).toHaveLength(2)
  })

  it('delete is refused while a card waits, works once it is decided, and keeps the audit trail and the ledger record', async () => {
    const deal = openDeal()
    const t = await open([{ toolCalls: [{ name: 'update_record', input: { type: 'deal', id: deal.id, fields: { amount: 3 } } }] }, { text: 'OK.' }])
    const c = await t.h['conversations.create']({})
    await t.say(c.id, 'Set it')
    const [card] = await t.h['actions.inbox']({})
    await expect(t.h['conversations.delete']({ conversationId: c.id })).rejects.toThrow(/still waiting or running/)
    await t.h['actions.decide']({ actionId: card.id, hash: card.hash, decision: 'decline' })
    await t.app.assistant.idle()
    const removed: string[] = []
    const stop = t.app.events.subscribe((name, payload) => name === 'conversation.removed' && removed.push((payload as { conversationId: string }).conversationId))
    await t.h['conversations.delete']({ conversationId: c.id })
    stop()
    expect(removed).toEqual([c.id])
    expect(await t.h['conversations.list']({})).toEqual([])
    await expect(t.h['conversations.get']({ conversationId: c.id })).rejects.toThrow(/No such conversation/)
    expect(t.app.ledger.get(card.id)?.state).toBe('declined')
    expect(t.app.audit.read().filter((e) => e.actionId === card.id).map((e) => e.event)).toEqual(expect.arrayContaining(['proposed', 'decided']))
  })

  it('search finds words anywhere in what was said, in any language, only in your own conversations', async () => {
    const t = await open([{ text: 'Die Rechnung für Acme ist überfällig.' }, { text: 'Nothing to report.' }])
    const a = await t.h['conversations.create']({})
    await t.say(a.id, 'Wie steht es um Acme?')
    const b = await t.h['conversations.create']({})
    await t.say(b.id, 'Anything new?')
    const hits = await t.h['conversations.search']({ query: 'überfällig acme' })
    expect(hits.map((h) => h.id)).toEqual([a.id])
    expect(hits[0].snippet).toMatch(/überfällig/)
    expect(await t.h['conversations.search']({ query: 'nonexistentword' })).toEqual([])
    await t.signIn('rita')
    expect(await t.h['conversations.search']({ query: 'acme' })).toEqual([])
  })
})

/** A model that writes a few words and then waits until it is stopped. */
function hangingModel(prompts: LanguageModelV4CallOptions['prompt'][]) {
  return new MockLanguageModelV4({
    provider: 'test-provider',
    modelId: 'hanging',
    doStream: async (options) => {
      prompts.push(options.prompt)
      const stream = new ReadableStream<LanguageModelV4StreamPart>({
        start(controller) {
          controller.enqueue({ type: 'stream-start', warnings: [] })
          controller.enqueue({ type: 'text-start', id: 't' })
          controller.enqueue({ type: 'text-delta', id: 't', delta: 'The overdue invoices are' })
          options.abortSignal?.addEventListener('abort', () => controller.error(new DOMException('aborted', 'AbortError')))
        }
      })
      return { stream }
    }
  })
}

describe('a stopped answer', () => {
  async function stopped() {
    const prompts: LanguageModelV4CallOptions['prompt'][] = []
    const steps: ScriptStep[] = [{ text: 'Here is the rest.' }]
    const script = scriptedModel(steps)
    let first = true
    const t = await open([], () => {
      if (first) {
        first = false
        return hangingModel(prompts)
      }
      return script.model
    })
    const c = await t.h['conversations.create']({})
    await t.h['conversations.send']({ conversationId: c.id, text: 'Show overdue invoices' })
    for (let i = 0; i < 50 && !(await t.h['conversations.get']({ conversationId: c.id })).entries.some((e) => e.kind === 'assistant' && e.text); i++) await new Promise((r) => setTimeout(r, 20))
    await t.h['conversations.stop']({ conversationId: c.id })
    await t.app.assistant.idle()
    const entry = (await t.h['conversations.get']({ conversationId: c.id })).entries.find((e) => e.kind === 'assistant')!
    return { t, c, entry, script }
  }

  it('stays on screen but is not sent back to the model as its own words', async () => {
    const { t, c, entry, script } = await stopped()
    expect(entry).toMatchObject({ kind: 'assistant', stopped: 'unused', text: expect.stringContaining('The overdue invoices are') })
    // A Stop is not a crash: no "the app closed or crashed" notice, and the conversation is idle.
    const after = await t.h['conversations.get']({ conversationId: c.id })
    expect(after.entries.filter((e) => e.kind === 'notice')).toEqual([])
    expect(after.status).toBe('idle')
    await t.say(c.id, 'Go on')
    const prompt = JSON.stringify(script.prompts.at(-1))
    expect(prompt).not.toContain('The overdue invoices are')
    // Too late to keep it now: the conversation moved on.
    await expect(t.h['conversations.keepStopped']({ conversationId: c.id, entryId: entry.id })).rejects.toThrow(/moved on/)
  })

  it('once kept, the model reads it, marked as cut off by the user', async () => {
    const { t, c, entry, script } = await stopped()
    await t.h['conversations.keepStopped']({ conversationId: c.id, entryId: entry.id })
    expect((await t.h['conversations.get']({ conversationId: c.id })).entries.find((e) => e.id === entry.id)).toMatchObject({ stopped: 'kept' })
    await t.say(c.id, 'Go on')
    const prompt = JSON.stringify(script.prompts.at(-1))
    expect(prompt).toContain('The overdue invoices are')
    expect(prompt).toContain('stopped this answer here and kept it')
    await expect(t.h['conversations.keepStopped']({ conversationId: c.id, entryId: entry.id })).rejects.toThrow(/no stopped answer to keep/)
  })
})

describe('asking again for an expired action', () => {
  async function expired() {
    const deal = openDeal()
    const { t, c, card, steps, clock } = await cardWithClock(deal.id, 777)
    clock.advanceHours(49)
    t.app.assistant.sweep()
    expect(t.app.ledger.get(card.id)?.state).toBe('expired')
    return { t, c, card, steps, deal }
  }

  it('proposes it afresh with a new card in the same conversation; approving it runs once and the conversation goes on', async () => {
    const { t, c, card, steps } = await expired()
    steps.push({ text: 'Done: the amount is 777.' })
    const fresh = await t.h['actions.askAgain']({ actionId: card.id })
    expect(fresh).toMatchObject({ state: 'pending', conversationId: c.id, ability: 'update_record' })
    expect(fresh.id).not.toBe(card.id)
    expect((await t.h['conversations.get']({ conversationId: c.id })).status).toBe('waiting')
    await t.h['actions.decide']({ actionId: fresh.id, hash: fresh.hash, decision: 'approve' })
    await t.app.assistant.idle()
    expect(t.app.ledger.get(fresh.id)?.state).toBe('succeeded')
    expect(await t.admin.effectCount(fresh.id)).toBe(1)
    expect(await t.admin.effectCount(card.id)).toBe(0)
    const view = await t.h['conversations.get']({ conversationId: c.id })
    expect(view.entries.at(-1)).toMatchObject({ kind: 'assistant', text: 'Done: the amount is 777.' })
    expect(view.status).toBe('idle')
  })

  it('the new card shows current values, and only its proposer may ask, only once it expired', async () => {
    const { t, card, deal } = await expired()
    await t.admin.editRecordAs('rita', 'deal', deal.id, { amount: 123 })
    const fresh = await t.h['actions.askAgain']({ actionId: card.id })
    expect(JSON.stringify(fresh.card.detail)).toContain('123')
    expect(fresh.hash).not.toBe(card.hash)
    await expect(t.h['actions.askAgain']({ actionId: fresh.id })).rejects.toThrow(/Only an action that expired/)
    await t.signIn('rita')
    await expect(t.h['actions.askAgain']({ actionId: card.id })).rejects.toThrow()
  })
})

describe('a card about to expire', () => {
  it('raises one reminder when about two hours are left, only for its own person', async () => {
    const { t, card, clock } = await cardWithClock(openDeal().id, 9)
    const before = t.notifier.shown.length
    clock.advanceHours(40)
    t.app.assistant.sweep()
    expect(t.notifier.shown.length).toBe(before) // 8 hours left: no reminder yet
    clock.advanceHours(6.5)
    t.app.assistant.sweep()
    t.app.assistant.sweep()
    const reminders = t.notifier.shown.slice(before)
    expect(reminders).toEqual([expect.objectContaining({ actionId: card.id, title: expect.stringMatching(/^About two hours left to decide/) })])
    await t.signIn('rita')
    clock.advanceHours(1)
    t.app.assistant.sweep()
    expect(t.notifier.shown.slice(before)).toHaveLength(1) // not Rita's card
  })
})

describe('editing a card before approving', () => {
  async function emailCard() {
    const contact = createSeedWorkspace().records.contact[0]
    const steps: ScriptStep[] = [{ toolCalls: [{ name: 'send_message', input: { to: [contact.id], subject: 'Overdue', body: 'Please pay.' } }] }, { text: 'Sent.' }]
    const t = await open(steps)
    const c = await t.h['conversations.create']({})
    await t.say(c.id, 'Email them')
    const [card] = await t.h['actions.inbox']({})
    return { t, c, card, contact }
  }

  it('becomes a new card with a new hash; approving it sends the edited email once, and the model is told what changed', async () => {
    const { t, card } = await emailCard()
    const input = card.input as { to: string[]; subject: string; body: string }
    const edited = await t.h['actions.edit']({ actionId: card.id, hash: card.hash, input: { ...input, subject: 'Invoice 1042 is overdue' } })
    expect(edited.hash).not.toBe(card.hash)
    expect(edited.card.detail).toMatchObject({ kind: 'message', subject: 'Invoice 1042 is overdue' })
    expect(edited.userEdit).toMatch(/subject changed from "Overdue" to "Invoice 1042 is overdue"/)
    expect(t.app.ledger.get(card.id)).toMatchObject({ state: 'superseded', supersededBy: edited.id })
    // The card that was edited can no longer be approved.
    await expect(t.h['actions.decide']({ actionId: card.id, hash: card.hash, decision: 'approve' })).rejects.toThrow(/replaced/)
    await t.h['actions.decide']({ actionId: edited.id, hash: edited.hash, decision: 'approve' })
    await t.app.assistant.idle()
    const outbox = await t.admin.outbox()
    expect(outbox).toHaveLength(1)
    expect(outbox[0].subject).toBe('Invoice 1042 is overdue')
    const conversation = t.app.conversations.get(card.conversationId)!
    const toolMessage = JSON.stringify(conversation.messages.filter((m) => m.role === 'tool').at(-1))
    expect(toolMessage).toContain('the user edited your proposal')
  })

  it('is checked like a proposal: bad addresses, control characters, a stale hash and another person are refused, and nothing changes', async () => {
    const { t, card } = await emailCard()
    const input = card.input as { to: string[]; subject: string; body: string }
    await expect(t.h['actions.edit']({ actionId: card.id, hash: card.hash, input: { ...input, to: ['a@x.example, b@y.example'] } })).rejects.toThrow(/not one email address/)
    await expect(t.h['actions.edit']({ actionId: card.id, hash: card.hash, input: { ...input, subject: 'Hi\r\nBcc: x@y.example' } })).rejects.toThrow(/carriage return/)
    await expect(t.h['actions.edit']({ actionId: card.id, hash: 'b'.repeat(64), input: { ...input, subject: 'x' } })).rejects.toThrow(/does not match the card/)
    await expect(t.h['actions.edit']({ actionId: card.id, hash: card.hash, input })).rejects.toThrow(/Nothing was changed/)
    await t.signIn('rita')
    await expect(t.h['actions.edit']({ actionId: card.id, hash: card.hash, input: { ...input, subject: 'x' } })).rejects.toThrow()
    expect(t.app.ledger.get(card.id)?.state).toBe('pending')
    expect(t.app.ledger.all()).toHaveLength(1)
  })
})
