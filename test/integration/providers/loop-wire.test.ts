// The real assistant loop with the real provider clients, against loopback servers speaking each
// provider's wire format: what the user sees in the conversation, and what goes over the wire.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { errorBodies, reply, startProviderServer, type Flavor, type ProviderServer } from '../../support/provider-servers'
import { openTestApp, stubProviders, tempDir } from '../../support/test-app'
import { API_KEYS, FLAVORS, modelFor } from './helpers'

describe.each(FLAVORS)('%s through the assistant loop', (flavor: Flavor) => {
  let server: ProviderServer
  let dir: ReturnType<typeof tempDir>
  let t: Awaited<ReturnType<typeof openTestApp>>

  beforeAll(async () => {
    server = await startProviderServer(flavor)
  })
  afterAll(async () => {
    await server.close()
  })
  beforeEach(async () => {
    dir = tempDir()
    t = await openTestApp(dir.path, { model: () => modelFor(flavor, server.baseURL), providers: stubProviders(() => modelFor(flavor, server.baseURL)) })
  })
  afterEach(async () => {
    await t.close()
    dir.remove()
  })

  async function conversation(login: string, text: string) {
    await t.signIn(login)
    const c = await t.h['conversations.create']({})
    const before = server.requests.length
    await t.say(c.id, text)
    return { id: c.id, sent: () => server.requests.slice(before) }
  }
  const view = (id: string) => t.h['conversations.get']({ conversationId: id })
  const dealId = async (name: string) => (await t.admin.snapshot()).records.deal.find((d) => d.fields.name === name)!.id

  it('streams a text answer into the conversation', async () => {
    server.script(reply.text('Hello from the provider.'))
    const c = await conversation('maria', 'Hi')
    expect((await view(c.id)).entries.at(-1)).toMatchObject({ kind: 'assistant', text: 'Hello from the provider.', streaming: false })
  })

  it('runs a read at once and sends its result back over the wire', async () => {
    server.script(reply.toolCall('list_overdue_invoices', {}), reply.text('Those are overdue.'))
    const c = await conversation('frank', 'Show overdue invoices')
    expect(c.sent()).toHaveLength(2)
    expect(c.sent()[1].rawBody).toContain('INV-')
    expect(t.app.ledger.size).toBe(0)
    expect((await view(c.id)).entries.at(-1)).toMatchObject({ kind: 'assistant', text: 'Those are overdue.' })
  })

  it('stops a write for approval, then continues with its result once approved', async () => {
    const id = await dealId('Spring dock hardware order')
    server.script(reply.toolCall('update_record', { type: 'deal', id, fields: { stage: 'negotiation' } }))
    const c = await conversation('maria', 'Move it to negotiation')
    expect(c.sent()).toHaveLength(1)
    const [pending] = await t.h['actions.inbox']({})
    expect(pending.state).toBe('pending')

    server.script(reply.text('It is in negotiation now.'))
    await t.h['actions.decide']({ actionId: pending.id, hash: pending.hash, decision: 'approve' })
    await t.app.assistant.idle()
    expect(c.sent()).toHaveLength(2)
    expect(c.sent()[1].rawBody).toContain('negotiation')
    expect(c.sent()[1].rawBody).toContain('done')
    expect(await t.admin.effectCount(pending.id)).toBe(1)
    expect((await view(c.id)).entries.at(-1)).toMatchObject({ text: 'It is in negotiation now.' })
  })

  it('sends a decline with its reason back to the model as the tool result', async () => {
    const id = await dealId('Spring dock hardware order')
    server.script(reply.toolCall('update_record', { type: 'deal', id, fields: { amount: 1 } }))
    const c = await conversation('maria', 'Set it to 1')
    const [pending] = await t.h['actions.inbox']({})
    server.script(reply.text('Understood.'))
    await t.h['actions.decide']({ actionId: pending.id, hash: pending.hash, decision: 'decline', reason: 'That amount is a typo' })
    await t.app.assistant.idle()
    const body = c.sent()[1].rawBody
    expect(body).toContain('That amount is a typo')
    expect(body).toContain('Do not propose the same action again')
    expect(await t.admin.effectCount(pending.id)).toBe(0)
  })

  it('handles two tool calls in one turn: both results go back in one request', async () => {
    const id = await dealId('Spring dock hardware order')
    server.script(
      reply.toolCalls({ name: 'search_records', args: { type: 'deal', text: 'Spring dock' } }, { name: 'update_record', args: { type: 'deal', id, fields: { amount: 50_000 } } })
    )
    const c = await conversation('maria', 'Find and update')
    const [pending] = await t.h['actions.inbox']({})
    server.script(reply.text('Both done.'))
    await t.h['actions.decide']({ actionId: pending.id, hash: pending.hash, decision: 'approve' })
    await t.app.assistant.idle()
    expect(c.sent()).toHaveLength(2)
    const body = c.sent()[1].rawBody
    expect(body).toContain('Spring dock hardware order')
    expect(body).toContain('done')
  })

  it('turns a malformed tool call into an error result for the model, never an execution', async () => {
    server.script(reply.malformedToolCall('update_record', '{"type": "deal", "id": '), reply.text('Sorry, let me try again.'))
    const c = await conversation('maria', 'Do it')
    expect(t.app.ledger.size).toBe(0)
    expect(c.sent()).toHaveLength(2)
    expect(c.sent()[1].rawBody).toContain('Invalid input for update_record')
  })

  const failures: [string, () => Parameters<ProviderServer['script']>[0], RegExp][] = [
    ['an invalid key', () => ({ kind: 'http-error', ...errorBodies.invalidKey(flavor) }), /API key/i],
    ['a rate limit, with its retry-after', () => ({ kind: 'http-error', ...errorBodies.rateLimited(flavor) }), /rate limit|too many|Try again in \d+/i],
    ['a model that does not exist', () => ({ kind: 'http-error', ...errorBodies.modelNotFound(flavor, 'no-such-model') }), /model/i],
    ['a context too long', () => ({ kind: 'http-error', ...errorBodies.contextTooLong(flavor) }), /too long|context/i],
    ['a stream cut mid-JSON', () => reply.cutMidJson(), /incomplete|garbled|cut|broke off/i],
    ['a connection reset', () => reply.reset(), /broke off|connection|reach/i],
    ['an invalid JSON event', () => reply.invalidJsonEvent('Partial'), /incomplete|garbled|invalid/i]
  ]
  it.each(failures)('shows %s clearly, keeps the conversation and pending actions, and can retry', async (_name, failure, message) => {
    const id = await dealId('Spring dock hardware order')
    server.script(reply.toolCall('update_record', { type: 'deal', id, fields: { amount: 7 } }))
    const waiting = await conversation('maria', 'Set it to 7')
    const [pending] = await t.h['actions.inbox']({})

    const c = await t.h['conversations.create']({})
    server.script(failure())
    await t.say(c.id, 'Show me my deals')
    const failed = await view(c.id)
    const notice = failed.entries.findLast((e) => e.kind === 'notice')
    expect(notice && 'text' in notice ? notice.text : '').toMatch(message)
    expect(notice).toMatchObject({ level: 'error' })
    expect(failed.status).toBe('error')
    expect(failed.entries.filter((e) => e.kind === 'assistant')).toHaveLength(0)
    expect(JSON.stringify(failed)).not.toContain(API_KEYS[flavor])
    expect((await t.h['actions.inbox']({})).map((a) => [a.id, a.state])).toEqual([[pending.id, 'pending']])
    expect((await view(waiting.id)).status).toBe('waiting')

    server.script(reply.text('Here are your deals.'))
    await t.h['conversations.retry']({ conversationId: c.id })
    await t.app.assistant.idle()
    const retried = await view(c.id)
    expect(retried.entries.at(-1)).toMatchObject({ kind: 'assistant', text: 'Here are your deals.' })
    expect(retried.status).toBe('idle')
  })
})
