// No request reaches a provider without consent on record, counted at the provider's server.
// The service is composed as in the app (plain-Node JsonStore on a fresh data folder); secrets go
// to an in-memory SecretStore standing in for the keychain (the keychain itself is tested in
// keychain.test.ts against a real gnome-keyring).
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { MemorySecretStore } from '../../../src/main/secrets/memory-store'
import { secretKeys } from '../../../src/main/secrets/types'
import { createNodeStoreFactory } from '../../../src/main/storage/node-store'
import { CONSENT_WORDING_VERSION, DefaultProviderService } from '../../../src/main/providers/service'
import { ProviderNotReadyError, type ProviderConfigInput } from '../../../src/main/providers/types'
import { reply, startProviderServer, type ProviderServer } from '../../support/provider-servers'
import { runTurn, userAsks } from './helpers'

const OPENAI_KEY = 'sk-proj-consent-test-7c1e9a3b5d'
const CRM_PASSWORD = 'Tryton-pa55word-for-rita'

let dataDir: string
let secrets: MemorySecretStore
let now: number
let servers: ProviderServer[]

const service = () =>
  new DefaultProviderService({ stores: createNodeStoreFactory(dataDir), secrets, clock: () => now })

beforeEach(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'countersign-providers-'))
  secrets = new MemorySecretStore()
  await secrets.set(secretKeys.crm('acct-rita'), CRM_PASSWORD)
  now = Date.UTC(2026, 10, 24, 9, 0, 0)
  servers = []
})

afterEach(async () => {
  await Promise.all(servers.map((s) => s.close()))
  rmSync(dataDir, { recursive: true, force: true })
})

/** prepare() for Rita, expecting the choice to be held aside for consent. */
async function held(svc: DefaultProviderService, input: ProviderConfigInput, user = 'u-rita') {
  const result = await svc.prepare(user, input)
  if (result.status !== 'needs-consent') throw new Error(`expected a consent screen, got ${result.status}`)
  return result.consent
}

async function server(flavor: Parameters<typeof startProviderServer>[0]) {
  const s = await startProviderServer(flavor)
  servers.push(s)
  return s
}

describe('consent before the first byte leaves', () => {
  it('defaults to the demo, which needs no consent and sends nothing anywhere', async () => {
    const svc = service()
    expect(svc.view('u-rita')).toMatchObject({ kind: 'demo', ready: true, local: true, consent: null, hasApiKey: false, profiles: [], pending: null })
    const resolved = await svc.resolve('u-rita')
    expect(resolved).toMatchObject({ provider: 'demo', providerName: 'Countersign demo assistant (offline)' })
    const turn = await runTurn(resolved.model, userAsks('Show overdue invoices'))
    expect(turn.toolCalls.map((c) => c.toolName)).toEqual(['list_overdue_invoices'])
  })

  it('prepare() holds the choice aside: nothing stored, nothing sent, the previous provider still in use', async () => {
    const openai = await server('openai-responses')
    const svc = service()
    const text = await held(svc, { kind: 'openai', model: 'gpt-5.4-mini', baseURL: openai.baseURL, apiKey: OPENAI_KEY })
    expect(text).toEqual({
      wordingVersion: CONSENT_WORDING_VERSION,
      providerName: `OpenAI-style API at ${openai.host}`,
      endpointHost: openai.host,
      local: true,
      whatIsSent: [
        'Your messages in this conversation',
        "The records Countersign's reads return for your request (for example names, email addresses, amounts, invoice details)",
        'The descriptions of the actions the assistant may propose',
        `It goes to ${openai.host}, a server on this computer: nothing leaves your machine`
      ],
      termsUrl: null,
      receiver: 'this computer',
      operatorKnown: true
    })
    // Not in use, not saved: the demo still answers, and Settings says so.
    expect(svc.view('u-rita')).toMatchObject({ kind: 'demo', ready: true, profiles: [], pending: text })
    expect(svc.pendingConsent('u-rita')).toEqual(text)
    expect((await svc.resolve('u-rita')).provider).toBe('demo')
    // The key is not in the keychain until the user agrees.
    expect(secrets.entries.size).toBe(1)
    expect([...secrets.entries.values()]).not.toContain(OPENAI_KEY)
    // Another user's view shows nothing of Rita's choice.
    expect(svc.view('u-theo').pending).toBeNull()
    expect(openai.requests).toHaveLength(0)
  })

  it('Cancel discards the choice and its key: 0 requests, the previous provider in use, no key stored', async () => {
    const first = await server('ollama')
    const second = await server('openai-chat')
    const svc = service()
    const a = await held(svc, { kind: 'openai-compatible', model: 'llama3.1', baseURL: first.baseURL })
    await svc.consent('u-rita', a.wordingVersion, a.endpointHost)
    const before = svc.view('u-rita')
    expect(before).toMatchObject({ kind: 'openai-compatible', endpointHost: first.host, ready: true })

    await held(svc, { kind: 'openai', api: 'chat', model: 'gpt-5.4-mini', baseURL: second.baseURL, apiKey: OPENAI_KEY })
    const after = await svc.cancel('u-rita')
    expect(after).toMatchObject({ kind: 'openai-compatible', endpointHost: first.host, ready: true, activeProfileId: before.activeProfileId, pending: null })
    expect(after.profiles).toHaveLength(1)
    expect([...secrets.entries.values()]).not.toContain(OPENAI_KEY)
    // A late "agree" for the cancelled choice cannot bring it back.
    await expect(svc.consent('u-rita', CONSENT_WORDING_VERSION, second.host)).rejects.toThrow(/chosen provider is at/)

    first.script(reply.text('still the first'))
    expect((await runTurn((await svc.resolve('u-rita')).model, userAsks('hi'))).text).toBe('still the first')
    expect(second.requests).toHaveLength(0)
    // It survives a restart the same way: nothing of the cancelled choice was written.
    expect(service().view('u-rita')).toMatchObject({ endpointHost: first.host, ready: true })
    expect(readFileSync(join(dataDir, 'providers.json'), 'utf8')).not.toContain(second.host)
  })

  it('re-choosing an endpoint already agreed to is saved without a consent screen (nothing to cancel)', async () => {
    const ollama = await server('ollama')
    const svc = service()
    const a = await held(svc, { kind: 'openai-compatible', model: 'llama3.1', baseURL: ollama.baseURL })
    const agreed = await svc.consent('u-rita', a.wordingVersion, a.endpointHost)
    now += 60_000
    const again = await svc.prepare('u-rita', { kind: 'openai-compatible', model: 'qwen2.5:7b', baseURL: ollama.baseURL, profileId: agreed.activeProfileId! })
    expect(again.status).toBe('saved')
    if (again.status !== 'saved') return
    // The consent on record is the one given before, and the change (a model) is in use.
    expect(again.consent?.at).toBe(agreed.consent!.at)
    expect(again.view).toMatchObject({ model: 'qwen2.5:7b', ready: true, pending: null })
    // Another user on the same machine is asked, and their cancel changes nothing for anyone.
    const theo = await svc.prepare('u-theo', { kind: 'openai-compatible', model: 'llama3.1', baseURL: ollama.baseURL })
    expect(theo.status).toBe('needs-consent')
    await svc.cancel('u-theo')
    expect(svc.view('u-rita')).toMatchObject({ model: 'qwen2.5:7b', ready: true })
    expect(ollama.requests).toHaveLength(0)
  })

  it('after consent a request goes through, and the record says who agreed to what and when', async () => {
    const openai = await server('openai-chat')
    const svc = service()
    const text = await held(svc, { kind: 'openai', model: 'gpt-5.4-mini', baseURL: openai.baseURL, apiKey: OPENAI_KEY, api: 'chat' })
    expect(openai.requests).toHaveLength(0)

    now += 5_000
    const view = await svc.consent('u-rita', text.wordingVersion, text.endpointHost)
    expect(view).toMatchObject({
      kind: 'openai',
      name: `OpenAI-style API at ${openai.host}`,
      model: 'gpt-5.4-mini',
      baseURL: openai.baseURL,
      endpointHost: openai.host,
      hasApiKey: true,
      ready: true,
      pending: null,
      consent: {
        userId: 'u-rita',
        at: now,
        provider: 'openai',
        providerName: `OpenAI-style API at ${openai.host}`,
        endpointHost: openai.host,
        wordingVersion: CONSENT_WORDING_VERSION
      }
    })
    expect(JSON.stringify(view)).not.toContain(OPENAI_KEY)
    // Only now is the key in the keychain.
    expect([...secrets.entries.values()]).toContain(OPENAI_KEY)

    const resolved = await svc.resolve('u-rita')
    expect(resolved).toMatchObject({ provider: 'openai', modelId: 'gpt-5.4-mini', profileId: view.activeProfileId })
    openai.script(reply.text('Hello from the provider.'))
    const turn = await runTurn(resolved.model, userAsks('hi'))
    expect(turn.text).toBe('Hello from the provider.')
    expect(openai.requests).toHaveLength(1)
    expect(openai.requests[0]!.headers.authorization).toBe(`Bearer ${OPENAI_KEY}`)

    // Consent is per user: another user of the same machine is asked too.
    await expect(svc.resolve('u-theo')).rejects.toBeInstanceOf(ProviderNotReadyError)
    expect(svc.view('u-theo')).toMatchObject({ kind: 'openai', ready: false, consent: null })
    expect(openai.requests).toHaveLength(1)

    // It survives a restart (a new service on the same data folder).
    expect(service().view('u-rita').consent?.at).toBe(now)
  })

  it('refuses a consent that does not match the prepared wording or endpoint', async () => {
    const openai = await server('openai-responses')
    const svc = service()
    await expect(svc.consent('u-rita', CONSENT_WORDING_VERSION, openai.host)).rejects.toThrow(/no provider choice/)
    const text = await held(svc, { kind: 'openai', model: 'gpt-5.4-mini', baseURL: openai.baseURL, apiKey: OPENAI_KEY })
    await expect(svc.consent('u-rita', 'consent-v0', text.endpointHost)).rejects.toThrow(/changed since it was shown/)
    await expect(svc.consent('u-rita', text.wordingVersion, 'api.openai.com')).rejects.toThrow(/chosen provider is at/)
    expect(svc.view('u-rita')).toMatchObject({ kind: 'demo', profiles: [] })
    expect([...secrets.entries.values()]).not.toContain(OPENAI_KEY)
    expect(openai.requests).toHaveLength(0)
  })

  it('changing the endpoint asks again: nothing reaches the new endpoint before its own consent', async () => {
    const first = await server('ollama')
    const second = await server('ollama')
    const svc = service()
    const a = await held(svc, { kind: 'openai-compatible', model: 'llama3.1', baseURL: first.baseURL })
    const agreed = await svc.consent('u-rita', a.wordingVersion, a.endpointHost)
    first.script(reply.text('from the first'))
    expect((await runTurn((await svc.resolve('u-rita')).model, userAsks('hi'))).text).toBe('from the first')

    // Editing the profile to point elsewhere: held aside; the first endpoint stays in use meanwhile.
    const b = await held(svc, { kind: 'openai-compatible', model: 'llama3.1', baseURL: second.baseURL, profileId: agreed.activeProfileId! })
    expect(b.endpointHost).toBe(second.host)
    expect(svc.view('u-rita')).toMatchObject({ endpointHost: first.host, ready: true })
    await expect(svc.consent('u-rita', b.wordingVersion, a.endpointHost)).rejects.toThrow()
    first.script(reply.text('first again'))
    expect((await runTurn((await svc.resolve('u-rita')).model, userAsks('hi'))).text).toBe('first again')
    expect(second.requests).toHaveLength(0)

    await svc.consent('u-rita', b.wordingVersion, b.endpointHost)
    second.script(reply.text('from the second'))
    expect((await runTurn((await svc.resolve('u-rita')).model, userAsks('hi'))).text).toBe('from the second')
    expect(second.requests).toHaveLength(1)
    expect(first.requests).toHaveLength(2)
  })

  it('changing the provider asks again, even on the same host', async () => {
    const openai = await server('openai-chat')
    const svc = service()
    const a = await held(svc, { kind: 'openai', api: 'chat', model: 'gpt-5.4-mini', baseURL: openai.baseURL, apiKey: OPENAI_KEY })
    await svc.consent('u-rita', a.wordingVersion, a.endpointHost)
    // Same host, other provider kind: the old consent does not count.
    const b = await held(svc, { kind: 'openai-compatible', model: 'gpt-5.4-mini', baseURL: openai.baseURL })
    expect(b.endpointHost).toBe(a.endpointHost)
    const view = await svc.consent('u-rita', b.wordingVersion, b.endpointHost)
    expect(view.kind).toBe('openai-compatible')
    expect(view.consent?.provider).toBe('openai-compatible')
    await svc.withdraw('u-rita')
    await expect(svc.resolve('u-rita')).rejects.toBeInstanceOf(ProviderNotReadyError)
    expect(openai.requests).toHaveLength(0)
  })

  it('withdraw blocks again; the provider stays configured until consent is given again', async () => {
    const anthropic = await server('anthropic')
    const svc = service()
    const text = await held(svc, { kind: 'anthropic', model: 'claude-sonnet-4-5', baseURL: anthropic.baseURL, apiKey: 'sk-ant-api03-withdraw-test' })
    await svc.consent('u-rita', text.wordingVersion, text.endpointHost)
    anthropic.script(reply.text('ok'))
    await runTurn((await svc.resolve('u-rita')).model, userAsks('hi'))
    expect(anthropic.requests).toHaveLength(1)

    const view = await svc.withdraw('u-rita')
    expect(view).toMatchObject({ kind: 'anthropic', ready: false, consent: null, hasApiKey: true })
    await expect(svc.resolve('u-rita')).rejects.toBeInstanceOf(ProviderNotReadyError)
    expect(anthropic.requests).toHaveLength(1)

    // Agreeing again to the configured provider works without preparing anew.
    await svc.consent('u-rita', CONSENT_WORDING_VERSION, anthropic.host)
    anthropic.script(reply.text('ok again'))
    expect((await runTurn((await svc.resolve('u-rita')).model, userAsks('hi'))).text).toBe('ok again')
    expect(anthropic.requests).toHaveLength(2)
  })

  it('useDemo switches back to the demo; saved profiles stay, and using one again needs no new screen', async () => {
    const openai = await server('openai-responses')
    const svc = service()
    const text = await held(svc, { kind: 'openai', model: 'gpt-5.4-mini', baseURL: openai.baseURL, apiKey: OPENAI_KEY })
    const agreed = await svc.consent('u-rita', text.wordingVersion, text.endpointHost)
    expect((await svc.useDemo('u-rita')).kind).toBe('demo')
    expect((await svc.resolve('u-rita')).provider).toBe('demo')
    expect(svc.view('u-rita').profiles).toHaveLength(1)
    const back = await svc.select('u-rita', agreed.activeProfileId!)
    expect(back).toMatchObject({ status: 'saved', view: { kind: 'openai', ready: true } })
    expect(openai.requests).toHaveLength(0)
  })

  it('selecting a profile another user set up holds it aside for this user; Cancel leaves their provider alone', async () => {
    const ollama = await server('ollama')
    const svc = service()
    const text = await held(svc, { kind: 'openai-compatible', model: 'llama3.1', baseURL: ollama.baseURL }, 'u-theo')
    const theo = await svc.consent('u-theo', text.wordingVersion, text.endpointHost)
    const chosen = await svc.select('u-rita', theo.activeProfileId!)
    expect(chosen.status).toBe('needs-consent')
    await svc.cancel('u-rita')
    await expect(svc.resolve('u-rita')).rejects.toBeInstanceOf(ProviderNotReadyError)
    expect(svc.view('u-theo')).toMatchObject({ ready: true, endpointHost: ollama.host })
    expect(ollama.requests).toHaveLength(0)
  })

  it('names who receives the data: the provider at its own host, the host when it is a gateway', async () => {
    const svc = service()
    const openai = await held(svc, { kind: 'openai', model: 'gpt-5.4-mini', apiKey: OPENAI_KEY })
    expect(openai).toMatchObject({ providerName: 'OpenAI', endpointHost: 'api.openai.com', local: false, receiver: 'OpenAI', operatorKnown: true })
    expect(openai.whatIsSent.at(-1)).toBe('OpenAI receives it at api.openai.com and processes it under its own terms')
    const anthropic = await held(svc, { kind: 'anthropic', model: 'claude-sonnet-4-5', apiKey: 'sk-ant-api03-terms' })
    expect(anthropic).toMatchObject({ endpointHost: 'api.anthropic.com', local: false, termsUrl: 'https://www.anthropic.com/legal/commercial-terms', receiver: 'Anthropic' })

    // A company gateway that speaks OpenAI's or Anthropic's API is not OpenAI or Anthropic.
    for (const kind of ['openai', 'anthropic'] as const) {
      const gateway = await held(svc, { kind, model: 'm', apiKey: 'sk-gateway-key-1234', baseURL: 'https://llm-gateway.corp.example/v1' })
      const name = kind === 'openai' ? 'OpenAI' : 'Anthropic'
      expect(gateway).toMatchObject({
        providerName: `${name}-style API at llm-gateway.corp.example`,
        endpointHost: 'llm-gateway.corp.example',
        termsUrl: null,
        receiver: 'the operator of llm-gateway.corp.example (unknown to Countersign)',
        operatorKnown: false
      })
      const said = gateway.whatIsSent.at(-1)!
      expect(said).toMatch(/^It goes to llm-gateway\.corp\.example\. Countersign does not know who operates that server/)
      expect(said).not.toMatch(new RegExp(`^${name} receives`))
    }
    const vllm = await held(svc, { kind: 'openai-compatible', model: 'llama', baseURL: 'https://llm.example.net:8443/v1' })
    expect(vllm).toMatchObject({ endpointHost: 'llm.example.net:8443', local: false, termsUrl: null, operatorKnown: false })
    expect(vllm.whatIsSent.at(-1)).toMatch(/^It goes to llm\.example\.net:8443\. Countersign does not know who operates that server/)
    // Azure hosts are operated by Microsoft.
    const azure = await held(svc, { kind: 'openai-compatible', model: 'dep', baseURL: 'https://myres.openai.azure.com/openai/v1' })
    expect(azure).toMatchObject({ receiver: 'Microsoft (Azure OpenAI)', operatorKnown: true })
  })

  it('DeepSeek has its own name, terms link and consent text', async () => {
    const svc = service()
    const text = await held(svc, { kind: 'deepseek', model: '', apiKey: 'sk-deepseek-consent-0a1b2c' })
    expect(text).toMatchObject({
      providerName: 'DeepSeek',
      endpointHost: 'api.deepseek.com',
      local: false,
      receiver: 'DeepSeek',
      termsUrl: 'https://cdn.deepseek.com/policies/en-US/deepseek-open-platform-terms-of-service.html'
    })
    expect(text.whatIsSent.at(-1)).toBe(
      "DeepSeek receives it at api.deepseek.com and processes it under its own terms. DeepSeek's privacy policy says it stores the data it receives on servers in the People's Republic of China"
    )
    await expect(svc.prepare('u-rita', { kind: 'deepseek', model: 'deepseek-chat' })).rejects.toThrow(/DeepSeek needs an API key/)
  })

  it('a provider that needs a key refuses to be prepared without one', async () => {
    const svc = service()
    await expect(svc.prepare('u-rita', { kind: 'anthropic', model: 'claude-sonnet-4-5' })).rejects.toThrow(/needs an API key/)
  })
})

describe('what the app wrote and sent', () => {
  it('no API key or CRM credential in any file written or any request sent', async () => {
    const openai = await server('openai-responses')
    const anthropic = await server('anthropic')
    const ollama = await server('ollama')
    const svc = service()
    const keys = { openai: OPENAI_KEY, anthropic: 'sk-ant-api03-scan-test-0f9e8d', ollama: 'ollama-proxy-token-1a2b3c' }

    for (const [kind, s, key] of [
      ['openai', openai, keys.openai],
      ['anthropic', anthropic, keys.anthropic],
      ['openai-compatible', ollama, keys.ollama]
    ] as const) {
      const text = await held(svc, { kind, model: kind === 'anthropic' ? 'claude-sonnet-4-5' : 'm', baseURL: s.baseURL, apiKey: key })
      await svc.consent('u-rita', text.wordingVersion, text.endpointHost)
      s.script(reply.toolCall('search_records', { type: 'contact', text: 'Dana' }), reply.text('Dana works at Acme.'))
      const { model } = await svc.resolve('u-rita')
      const first = await runTurn(model, userAsks('Who is Dana?'))
      const call = first.toolCalls[0]!
      await runTurn(model, [
        { role: 'user', content: 'Who is Dana?' },
        { role: 'assistant', content: [{ type: 'tool-call', toolCallId: call.toolCallId, toolName: call.toolName, input: call.input }] },
        {
          role: 'tool',
          content: [
            {
              type: 'tool-result',
              toolCallId: call.toolCallId,
              toolName: call.toolName,
              output: { type: 'json', value: [{ type: 'contact', id: 'c-1', label: 'Dana Whitfield', fields: { email: 'dana@acme.example.com' } }] }
            }
          ]
        }
      ])
      await svc.withdraw('u-rita')
    }

    const allKeys = Object.values(keys)
    // Every file in the data folder.
    const files = walk(dataDir)
    expect(files.length).toBeGreaterThan(0)
    for (const file of files) {
      const content = readFileSync(file, 'utf8')
      for (const key of allKeys) expect(content, file).not.toContain(key)
      expect(content, file).not.toContain(CRM_PASSWORD)
    }
    // Every request: the key only in its own auth header; the CRM password nowhere.
    const auth: Record<string, [string, (k: string) => string]> = {
      [openai.host]: ['authorization', (k) => `Bearer ${k}`],
      [anthropic.host]: ['x-api-key', (k) => k],
      [ollama.host]: ['authorization', (k) => `Bearer ${k}`]
    }
    const keyOf: Record<string, string> = { [openai.host]: keys.openai, [anthropic.host]: keys.anthropic, [ollama.host]: keys.ollama }
    for (const s of [openai, anthropic, ollama]) {
      expect(s.requests).toHaveLength(2)
      const [header, expected] = auth[s.host]!
      for (const req of s.requests) {
        expect(req.headers[header]).toBe(expected(keyOf[s.host]!))
        for (const [name, value] of Object.entries(req.headers)) {
          for (const key of allKeys) if (name !== header) expect(value, name).not.toContain(key)
          expect(value).not.toContain(CRM_PASSWORD)
        }
        for (const key of allKeys) expect(req.rawBody).not.toContain(key)
        expect(req.rawBody).not.toContain(CRM_PASSWORD)
        // The records the reads returned do go to the provider: that is what consent covers.
        if (req === s.requests[1]) expect(req.rawBody).toContain('dana@acme.example.com')
      }
    }
  })
})

function walk(dir: string): string[] {
  const out: string[] = []
  for (const name of readdirSync(dir)) {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) out.push(...walk(path))
    else out.push(path)
  }
  return out
}
