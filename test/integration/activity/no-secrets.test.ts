// Nothing secret in the audit trail: the suite's scenarios (reads, an approved write, a declined
// write, an expired card, a refused call, a provider that rejects the key and one that errors
// mid-stream, a gateway header) run through the real core with the real provider service, and
// then every file of the audit folder is scanned for every secret the keychain holds and for
// anything shaped like a key, token or password.
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { DefaultProviderService } from '../../../src/main/providers/service'
import { MemorySecretStore } from '../../../src/main/secrets/memory-store'
import { createNodeStoreFactory } from '../../../src/main/storage/node-store'
import { errorBodies, reply, startProviderServer, type ProviderServer } from '../../support/provider-servers'
import { openTestApp, tempDir, TestClock } from '../../support/test-app'

const API_KEY = 'sk-test-audit-7c1e9a3b5d2f4e6a'
const GATEWAY_TOKEN = 'gw-secret-token-0f2d4b6a8c'

let server: ProviderServer
beforeAll(async () => {
  server = await startProviderServer('openai-chat')
})
afterAll(async () => {
  await server.close()
})

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    return statSync(path).isDirectory() ? filesUnder(path) : [path]
  })
}

it('the audit log holds no password, key, session or token after the scenarios', async () => {
  const dir = tempDir()
  const secrets = new MemorySecretStore()
  const clock = new TestClock()
  const providers = new DefaultProviderService({ stores: createNodeStoreFactory(dir.path), secrets, clock: clock.read })
  const t = await openTestApp(dir.path, { model: () => { throw new Error('the real provider service answers') }, providers, clock })
  try {
    await t.signIn('maria')
    const prepared = await t.h['providers.prepare']({ kind: 'openai', api: 'chat', model: 'gpt-5.4-mini', baseURL: server.baseURL, apiKey: API_KEY, headers: { 'X-Gateway-Token': GATEWAY_TOKEN } })
    if (prepared.status === 'needs-consent') await t.h['providers.consent']({ wordingVersion: prepared.consent.wordingVersion, endpointHost: prepared.consent.endpointHost })
    const principal = (await t.h['app.getState']({})).user!.principal
    const session = t.app.accounts.sessionFor(principal)
    const [deal] = await session.search('deal', { text: 'Kayak' })
    const ask = async (text: string) => {
      const c = await t.h['conversations.create']({})
      await t.say(c.id, text)
      return c.id
    }
    const decideLast = async (conversationId: string, decision: 'approve' | 'decline') => {
      const [card] = (await t.h['actions.forConversation']({ conversationId })).filter((a) => a.state === 'pending')
      await t.h['actions.decide']({ actionId: card.id, hash: card.hash, decision, ...(decision === 'decline' ? { reason: 'not now' } : {}) })
      await t.app.assistant.idle()
    }

    server.script(reply.toolCall('list_overdue_invoices', {}), reply.text('Two invoices are overdue.'))
    await ask('Show overdue invoices')
    server.script(reply.toolCall('update_record', { type: 'deal', id: deal.id, fields: { amount: 26000 } }), reply.text('Updated.'))
    await decideLast(await ask('Set Kayak to 26000'), 'approve')
    server.script(reply.toolCall('update_record', { type: 'deal', id: deal.id, fields: { amount: 1 } }), reply.text('I will not.'))
    await decideLast(await ask('Set Kayak to 1'), 'decline')
    server.script(reply.toolCall('update_record', { type: 'deal', id: deal.id, fields: { amount: 2 } }))
    await ask('Set Kayak to 2')
    clock.advanceHours(49)
    t.app.assistant.sweep()
    server.script(reply.toolCall('no_such_tool', { password: 'hunter2-not-a-real-one' }), reply.text('Sorry.'))
    await ask('Do something odd')
    const invalid = errorBodies.invalidKey('openai-chat')
    server.script(reply.httpError(invalid.status, invalid.body))
    await ask('Fails on the key')
    server.script(reply.streamError())
    await ask('Fails mid-stream')
    await t.app.assistant.idle()

    const requests = server.requests.filter((r) => r.path.endsWith('/chat/completions'))
    expect(requests.some((r) => r.headers.authorization === `Bearer ${API_KEY}` && r.headers['x-gateway-token'] === GATEWAY_TOKEN)).toBe(true)

    const audit = filesUnder(join(dir.path, 'audit')).map((f) => readFileSync(f, 'utf8')).join('\n')
    expect(audit).toContain('update_record') // the scenarios were recorded
    expect(audit).toContain('"inputTokens":42')
    const held = [...secrets.entries.values()]
    expect(held).toEqual(expect.arrayContaining([API_KEY]))
    for (const secret of [...held, API_KEY, GATEWAY_TOKEN]) expect(audit).not.toContain(secret)
    expect(audit).not.toMatch(/\bsk-[A-Za-z0-9_-]{6,}/)
    expect(audit).not.toMatch(/Bearer\s+\S/i)
    expect(audit).not.toMatch(/"(password|apiKey|api_key|token|secret|authorization|cookie|session_id)"\s*:/i)
  } finally {
    await t.close()
    dir.remove()
  }
})
