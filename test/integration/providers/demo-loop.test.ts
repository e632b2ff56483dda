// The offline demo assistant through the real assistant loop, policy, ledger and sample workspace,
// chosen by the real provider service (the default, with nothing stored): ask for overdue
// invoices, then email a customer about theirs, approve, and find the message in the outbox.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { DefaultProviderService } from '../../../src/main/providers/service'
import { MemorySecretStore } from '../../../src/main/secrets/memory-store'
import { createNodeStoreFactory } from '../../../src/main/storage/node-store'
import { openTestApp, tempDir, TestClock } from '../../support/test-app'

let dir: ReturnType<typeof tempDir>
let app: Awaited<ReturnType<typeof openTestApp>> | null

beforeEach(() => {
  dir = tempDir()
  app = null
})
afterEach(async () => {
  await app?.close()
  dir.remove()
})

async function open(login: string) {
  const clock = new TestClock()
  const providers = new DefaultProviderService({ stores: createNodeStoreFactory(dir.path), secrets: new MemorySecretStore(), clock: clock.read })
  app = await openTestApp(dir.path, {
    model: () => {
      throw new Error('the demo comes from the provider service')
    },
    clock,
    providers
  })
  await app.signIn(login)
  return app
}

const textOf = (entries: Array<{ kind: string; text?: string }>) =>
  entries.filter((e) => e.kind === 'assistant').map((e) => e.text ?? '').join('\n---\n')

describe('the demo assistant in the real loop', () => {
  it('lists overdue invoices, drafts a reminder that waits for approval, and sends it once approved', async () => {
    const t = await open('frank')
    expect(await t.h['providers.get']({})).toMatchObject({ kind: 'demo', ready: true })
    const c = await t.h['conversations.create']({})

    await t.say(c.id, 'Show overdue invoices')
    let view = await t.h['conversations.get']({ conversationId: c.id })
    const tools = view.entries.filter((e) => e.kind === 'tool')
    expect(tools.map((e) => [e.kind === 'tool' && e.ability, e.kind === 'tool' && e.status])).toEqual([['list_overdue_invoices', 'done']])
    const answer = textOf(view.entries)
    expect(answer).toContain('| Invoice | Customer | Due | Days overdue | Open amount |')
    const customer = /\| [^|]+ \| ([^|]+) \| \d{4}-\d{2}-\d{2} \|/.exec(answer)?.[1]?.trim()
    expect(customer, answer).toBeTruthy()

    await t.say(c.id, `Email ${customer} about their overdue invoice`)
    const [pending] = await t.h['actions.inbox']({})
    expect(pending).toMatchObject({ state: 'pending', ability: 'send_message' })
    expect(pending!.card.detail).toMatchObject({ kind: 'message', about: { type: 'invoice' } })
    view = await t.h['conversations.get']({ conversationId: c.id })
    expect(textOf(view.entries)).toMatch(/it's waiting for your approval/)
    expect(await t.admin.outbox()).toHaveLength(0)

    await t.h['actions.decide']({ actionId: pending!.id, hash: pending!.hash, decision: 'approve' })
    await t.app.assistant.idle()
    const outbox = await t.admin.outbox()
    expect(outbox).toHaveLength(1)
    expect(JSON.stringify(outbox[0])).toMatch(/Reminder: invoice .* is overdue/)
    view = await t.h['conversations.get']({ conversationId: c.id })
    expect(view.entries.at(-1)).toMatchObject({ kind: 'assistant' })
    expect(textOf(view.entries)).toMatch(/Done: /)
  })

  it('after a decline it says it will not do it, and nothing is sent', async () => {
    const t = await open('frank')
    const c = await t.h['conversations.create']({})
    await t.say(c.id, 'Show overdue invoices')
    const answer = textOf((await t.h['conversations.get']({ conversationId: c.id })).entries)
    const customer = /\| [^|]+ \| ([^|]+) \| \d{4}-\d{2}-\d{2} \|/.exec(answer)![1]!.trim()
    await t.say(c.id, `email ${customer} about their invoice`)
    const [pending] = await t.h['actions.inbox']({})
    await t.h['actions.decide']({ actionId: pending!.id, hash: pending!.hash, decision: 'decline', reason: 'Already called them' })
    await t.app.assistant.idle()
    const view = await t.h['conversations.get']({ conversationId: c.id })
    expect(view.entries.at(-1)).toMatchObject({ kind: 'assistant', text: 'Understood, I won\'t do that. You said: "Already called them".' })
    expect(await t.admin.outbox()).toHaveLength(0)
  })

  it('moves a deal to another stage after approval', async () => {
    const t = await open('maria')
    const ws = await t.admin.snapshot()
    const deal = ws.records.deal.find((d) => d.fields.stage === 'proposal')!
    const c = await t.h['conversations.create']({})
    await t.say(c.id, `Move the deal ${String(deal.fields.name)} to negotiation`)
    const [pending] = await t.h['actions.inbox']({})
    expect(pending!.card.detail).toMatchObject({ kind: 'update', changes: [{ field: 'stage', before: 'proposal', after: 'negotiation' }] })
    await t.h['actions.decide']({ actionId: pending!.id, hash: pending!.hash, decision: 'approve' })
    await t.app.assistant.idle()
    const after = (await t.admin.snapshot()).records.deal.find((d) => d.id === deal.id)!
    expect(after.fields.stage).toBe('negotiation')
  })
})
