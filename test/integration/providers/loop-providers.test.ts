// The real assistant loop with the real provider service (profiles, consent, keychain, proxy-aware
// fetch, middleware) against loopback servers in each wire format: what a user meets when a stream
// stalls, errors mid-way, a key is wrong and then fixed, OpenAI Responses history, proxies, and a
// machine without a keyring.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { ProviderConfigInput } from '../../../src/main/providers/types'
import { DefaultProviderService } from '../../../src/main/providers/service'
import { MemorySecretStore } from '../../../src/main/secrets/memory-store'
import { createNodeStoreFactory } from '../../../src/main/storage/node-store'
import { errorBodies, reply, startHttpProxy, startProviderServer, type HttpProxy, type ProviderServer } from '../../support/provider-servers'
import { openTestApp, tempDir } from '../../support/test-app'
import { FLAVORS, providerConfigFor } from './helpers'

const IDLE_MS = 400

const configFor = providerConfigFor

async function rig(options: { secrets?: MemorySecretStore } = {}) {
  const dir = tempDir()
  const secrets = options.secrets ?? new MemorySecretStore()
  const providers = new DefaultProviderService({ stores: createNodeStoreFactory(dir.path), secrets, clock: () => Date.now(), idleTimeoutMs: IDLE_MS })
  const t = await openTestApp(dir.path, { model: () => { throw new Error('the real provider service answers') }, providers })
  await t.signIn('maria')
  /** Chooses a provider and agrees to it, as the user does in Settings. */
  const choose = async (input: ProviderConfigInput) => {
    const result = await t.h['providers.prepare'](input)
    if (result.status === 'needs-consent') return t.h['providers.consent']({ wordingVersion: result.consent.wordingVersion, endpointHost: result.consent.endpointHost })
    return result.view
  }
  const ask = async (text: string, conversationId?: string) => {
    const id = conversationId ?? (await t.h['conversations.create']({})).id
    await t.say(id, text)
    return id
  }
  const view = (id: string) => t.h['conversations.get']({ conversationId: id })
  const lastNotice = async (id: string) => (await view(id)).entries.findLast((e) => e.kind === 'notice')
  return {
    t,
    secrets,
    providers,
    choose,
    ask,
    view,
    lastNotice,
    async close() {
      await t.close()
      dir.remove()
    }
  }
}

describe.each(FLAVORS)('%s: failures mid-stream through the loop', (flavor) => {
  let server: ProviderServer
  let r: Awaited<ReturnType<typeof rig>>

  beforeAll(async () => {
    server = await startProviderServer(flavor)
  })
  afterAll(async () => {
    await server.close()
  })
  beforeEach(async () => {
    r = await rig()
    await r.choose(configFor(flavor, server.baseURL))
  })
  afterEach(async () => {
    await r.close()
  })

  it('ends a stalled stream after the idle timeout with a clear notice, drops the partial answer, and Retry works', async () => {
    const events: string[] = []
    const off = r.t.app.events.subscribe((name, payload) => {
      if (name === 'conversation.changed') events.push((payload as { status: string }).status)
    })
    server.script(reply.stall('Here is the beginning of'))
    const started = Date.now()
    const id = await r.ask('Show me my deals')
    const waited = Date.now() - started
    off()
    expect(waited).toBeLessThan(IDLE_MS * 10)
    const failed = await r.view(id)
    expect(failed.status).toBe('error')
    expect(failed.entries.filter((e) => e.kind === 'assistant')).toHaveLength(0)
    const notice = await r.lastNotice(id)
    expect(notice).toMatchObject({ level: 'error', retryable: true })
    expect(notice && 'text' in notice ? notice.text : '').toMatch(/stopped sending the answer: nothing arrived for 1 second, so Countersign ended the request/)
    expect(events.at(-1)).toBe('error')

    server.script(reply.text('Here are your deals.'))
    await r.t.h['conversations.retry']({ conversationId: id })
    await r.t.app.assistant.idle()
    const retried = await r.view(id)
    expect(retried.status).toBe('idle')
    expect(retried.entries.filter((e) => e.kind === 'assistant').map((e) => 'text' in e && e.text)).toEqual(['Here are your deals.'])
  })

  it("offers Retry after the provider's own error event inside a stream, and Retry works", async () => {
    server.script(reply.streamError('The server had an error while processing your request.'))
    const id = await r.ask('Show me my deals')
    const failed = await r.view(id)
    expect(failed.status).toBe('error')
    expect(failed.entries.filter((e) => e.kind === 'assistant')).toHaveLength(0)
    const notice = await r.lastNotice(id)
    expect(notice).toMatchObject({ level: 'error', retryable: true })
    expect(notice && 'text' in notice ? notice.text : '').toMatch(/error in the middle of the answer|incomplete|had a problem/)

    server.script(reply.text('Second time lucky.'))
    await r.t.h['conversations.retry']({ conversationId: id })
    await r.t.app.assistant.idle()
    expect((await r.view(id)).entries.at(-1)).toMatchObject({ kind: 'assistant', text: 'Second time lucky.' })
  })

  it('after a 401, Retry is offered, and once the key is fixed the same question goes out with the new key', async () => {
    const { status, body } = errorBodies.invalidKey(flavor)
    server.script(reply.httpError(status, body))
    const before = server.requests.length
    const id = await r.ask('Show me my deals')
    const notice = await r.lastNotice(id)
    expect(notice).toMatchObject({ retryable: true })
    expect(notice && 'text' in notice ? notice.text : '').toMatch(/API key|HTTP 401/)

    // Fixing the key for the endpoint already agreed to: saved at once, no new consent screen.
    const fixed = await r.t.h['providers.prepare'](configFor(flavor, server.baseURL, { apiKey: 'sk-fixed-key-7d3f9a1b2c', profileId: r.t.app.appState().provider.activeProfileId! }))
    expect(fixed.status).toBe('saved')
    server.script(reply.text('Now it works.'))
    await r.t.h['conversations.retry']({ conversationId: id })
    await r.t.app.assistant.idle()
    expect((await r.view(id)).entries.at(-1)).toMatchObject({ kind: 'assistant', text: 'Now it works.' })
    const sent = server.requests.slice(before)
    expect(sent).toHaveLength(2)
    const auth = (req: (typeof sent)[number]) => req.headers['x-api-key'] ?? req.headers.authorization
    expect(auth(sent[1]!)).toContain('sk-fixed-key-7d3f9a1b2c')
    // The old question, not a new one, went out again.
    expect(sent[1]!.rawBody).toContain('Show me my deals')
  })
})

describe('OpenAI Responses history', () => {
  let server: ProviderServer
  let r: Awaited<ReturnType<typeof rig>>
  beforeAll(async () => {
    server = await startProviderServer('openai-responses')
  })
  afterAll(async () => {
    await server.close()
  })
  beforeEach(async () => {
    r = await rig()
  })
  afterEach(async () => {
    await r.close()
  })

  const inputOf = (body: unknown) => (body as { input: { type?: string; role?: string }[] }).input

  it('sends store: false and the whole history by default, never item references', async () => {
    await r.choose(configFor('openai-responses', server.baseURL))
    server.script(reply.toolCall('list_overdue_invoices', {}), reply.text('Two invoices are overdue.'), reply.text('You are welcome.'))
    const before = server.requests.length
    const id = await r.ask('Show overdue invoices')
    await r.ask('Thanks', id)
    const sent = server.requests.slice(before)
    expect(sent).toHaveLength(3)
    for (const req of sent) {
      expect((req.body as { store?: unknown }).store).toBe(false)
      expect(inputOf(req.body).some((item) => item.type === 'item_reference')).toBe(false)
    }
    // The last request carries the earlier answer itself and the tool call and its result.
    const last = JSON.stringify(sent[2]!.body)
    expect(last).toContain('Two invoices are overdue.')
    expect(inputOf(sent[2]!.body).some((item) => item.type === 'function_call')).toBe(true)
    expect(inputOf(sent[2]!.body).some((item) => item.type === 'function_call_output')).toBe(true)
  })

  it('a setting turns provider-side storage on (then OpenAI may be sent references)', async () => {
    await r.choose(configFor('openai-responses', server.baseURL, { openaiStore: true }))
    server.script(reply.text('First.'), reply.text('Second.'))
    const before = server.requests.length
    const id = await r.ask('One')
    await r.ask('Two', id)
    const sent = server.requests.slice(before)
    expect(sent.map((req) => (req.body as { store?: unknown }).store)).toEqual([true, true])
    expect(inputOf(sent[1]!.body).some((item) => item.type === 'item_reference')).toBe(true)
  })
})

describe('proxies', () => {
  let proxy: HttpProxy
  const saved: Record<string, string | undefined> = {}
  const VARS = ['HTTP_PROXY', 'HTTPS_PROXY', 'NO_PROXY', 'http_proxy', 'https_proxy', 'no_proxy']
  beforeAll(async () => {
    proxy = await startHttpProxy()
    for (const name of VARS) saved[name] = process.env[name]
  })
  afterAll(async () => {
    for (const name of VARS) {
      if (saved[name] === undefined) delete process.env[name]
      else process.env[name] = saved[name]
    }
    await proxy.close()
  })
  beforeEach(() => {
    for (const name of VARS) delete process.env[name]
    proxy.seen.length = 0
  })

  it.each(FLAVORS)('%s: every request goes through HTTP_PROXY, and none when the host is in NO_PROXY', async (flavor) => {
    const server = await startProviderServer(flavor)
    const r = await rig()
    try {
      await r.choose(configFor(flavor, server.baseURL))
      process.env.HTTP_PROXY = proxy.url
      server.script(reply.toolCall('search_records', { type: 'deal', text: 'Spring' }), reply.text('Found it.'))
      const id = await r.ask('Find the Spring deal')
      expect((await r.view(id)).entries.at(-1)).toMatchObject({ kind: 'assistant', text: 'Found it.' })
      expect(server.requests).toHaveLength(2)
      expect(proxy.seen.filter((s) => s.target === server.host)).toHaveLength(2)
      // The model list and the connection test go the same way.
      const profileId = r.t.app.appState().provider.activeProfileId!
      await r.t.h['providers.listModels']({ profileId })
      server.script(reply.text('OK'))
      expect((await r.t.h['providers.testConnection']({ profileId })).ok).toBe(true)
      expect(server.requests).toHaveLength(4)
      expect(proxy.seen.filter((s) => s.target === server.host)).toHaveLength(4)

      process.env.NO_PROXY = '127.0.0.1'
      const seenBefore = proxy.seen.length
      server.script(reply.text('Direct.'))
      await r.ask('Hello again', id)
      expect(server.requests).toHaveLength(5)
      expect(proxy.seen.length).toBe(seenBefore)
    } finally {
      await r.close()
      await server.close()
    }
  })

  it('HTTPS_PROXY carries requests to an https endpoint (a CONNECT tunnel to the host)', async () => {
    const r = await rig()
    try {
      await r.choose({ kind: 'openai-compatible', model: 'm', baseURL: 'https://llm.proxy-test.invalid/v1' })
      process.env.HTTPS_PROXY = proxy.url
      const id = await r.ask('Hello')
      expect(proxy.seen).toEqual([{ method: 'CONNECT', target: 'llm.proxy-test.invalid:443' }])
      // The host does not exist, so the tunnel fails: a clear, retryable notice.
      expect(await r.lastNotice(id)).toMatchObject({ retryable: true })
      process.env.NO_PROXY = '.proxy-test.invalid'
      await r.t.h['conversations.retry']({ conversationId: id })
      await r.t.app.assistant.idle()
      expect(proxy.seen).toHaveLength(1)
    } finally {
      await r.close()
    }
  })
})

describe('no keyring on this machine', () => {
  it('a local endpoint without a key works end to end; a key shows the keychain problem and changes nothing', async () => {
    const server = await startProviderServer('ollama')
    const secrets = new MemorySecretStore()
    secrets.failWith = 'Your system keychain is unavailable: no Secret Service is running.'
    const r = await rig({ secrets })
    try {
      const view = await r.choose({ kind: 'openai-compatible', model: 'llama3.1', baseURL: server.baseURL })
      expect(view).toMatchObject({ ready: true, hasApiKey: false })
      server.script(reply.text('Local answer.'))
      const id = await r.ask('Hi')
      expect((await r.view(id)).entries.at(-1)).toMatchObject({ kind: 'assistant', text: 'Local answer.' })
      const profileId = view.activeProfileId!
      expect((await r.t.h['providers.listModels']({ profileId })).map((m) => m.id)).toEqual(['llama3.1:latest', 'qwen2.5:7b'])

      // With a key, the keychain is needed: its problem is said, and nothing changes.
      await expect(
        r.t.h['providers.prepare']({ kind: 'openai-compatible', model: 'llama3.1', baseURL: server.baseURL, apiKey: 'sk-local-proxy-key-9', profileId })
      ).rejects.toThrow(/keychain is unavailable/)
      expect(r.t.app.appState().provider).toMatchObject({ ready: true, hasApiKey: false, activeProfileId: profileId })
      await expect(r.t.h['providers.prepare']({ kind: 'openai', model: 'gpt-5.4-mini', apiKey: 'sk-remote-key-123456' })).resolves.toMatchObject({ status: 'needs-consent' })
      await expect(r.t.h['providers.consent']({ wordingVersion: 'consent-v1', endpointHost: 'api.openai.com' })).rejects.toThrow(/keychain is unavailable/)
      expect(r.t.app.appState().provider).toMatchObject({ ready: true, endpointHost: server.host })
    } finally {
      await r.close()
      await server.close()
    }
  })
})
