// Saved provider profiles against loopback servers in each wire format: the model list, Test
// connection, gateway headers, OpenAI organisation/project, generation settings, DeepSeek, a
// conversation's own choice among consented profiles, and what is (and is not) written to disk.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { providerCatalogue } from '../../../src/main/providers/factory'
import { DefaultProviderService } from '../../../src/main/providers/service'
import { ProviderNotReadyError, type ProviderConfigInput } from '../../../src/main/providers/types'
import { MemorySecretStore } from '../../../src/main/secrets/memory-store'
import { secretKeys } from '../../../src/main/secrets/types'
import { createNodeStoreFactory } from '../../../src/main/storage/node-store'
import { errorBodies, reply, startProviderServer, type Flavor, type ProviderServer } from '../../support/provider-servers'
import { API_KEYS, FLAVORS, MODEL_IDS, providerConfigFor, runTurn, userAsks } from './helpers'

let dataDir: string
let secrets: MemorySecretStore
let svc: DefaultProviderService
const USER = 'u-rita'

beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'countersign-profiles-'))
  secrets = new MemorySecretStore()
  svc = new DefaultProviderService({ stores: createNodeStoreFactory(dataDir), secrets, clock: () => Date.UTC(2026, 10, 24) })
})
afterEach(() => {
  rmSync(dataDir, { recursive: true, force: true })
})

/** As providerConfigFor, with a key for the local endpoint too (its profile keeps one here). */
function configFor(flavor: Flavor, baseURL: string, extra: Partial<ProviderConfigInput> = {}): ProviderConfigInput {
  return providerConfigFor(flavor, baseURL, flavor === 'ollama' ? { apiKey: API_KEYS[flavor], ...extra } : extra)
}

/** Chooses and agrees, as the user does; returns the new profile's id. */
async function agreed(input: ProviderConfigInput, user = USER): Promise<string> {
  const result = await svc.prepare(user, input)
  const view = result.status === 'needs-consent' ? await svc.consent(user, result.consent.wordingVersion, result.consent.endpointHost) : result.view
  return view.activeProfileId!
}

const authOf = (headers: Record<string, string>) => headers['x-api-key'] ?? headers.authorization ?? headers['api-key']

describe.each(FLAVORS)('%s profile', (flavor) => {
  let server: ProviderServer
  beforeAll(async () => {
    server = await startProviderServer(flavor)
  })
  afterAll(async () => {
    await server.close()
  })

  it('lists the models the endpoint offers, only after consent, authenticated as the client is', async () => {
    const held = await svc.prepare(USER, configFor(flavor, server.baseURL))
    expect(held.status).toBe('needs-consent')
    // Not agreed to (only held aside): nothing is asked of the endpoint, not even its model list.
    const before = server.requests.length
    const profileIdBefore = svc.view(USER).profiles?.[0]?.id
    expect(profileIdBefore).toBeUndefined()
    const id = await agreed(configFor(flavor, server.baseURL))
    await svc.withdraw(USER)
    await expect(svc.listModels(USER, id)).rejects.toBeInstanceOf(ProviderNotReadyError)
    await expect(svc.testConnection(USER, id)).rejects.toBeInstanceOf(ProviderNotReadyError)
    expect(server.requests.length).toBe(before)

    await svc.select(USER, id).then((r) => (r.status === 'needs-consent' ? svc.consent(USER, r.consent.wordingVersion, r.consent.endpointHost) : r.view))
    const models = await svc.listModels(USER, id)
    expect(models.length).toBeGreaterThan(1)
    expect(models.map((m) => m.id)).toEqual([...models.map((m) => m.id)].sort((a, b) => a.localeCompare(b)))
    const req = server.requests.at(-1)!
    expect(req).toMatchObject({ method: 'GET', path: '/v1/models' })
    expect(authOf(req.headers)).toContain(API_KEYS[flavor])
    if (flavor === 'anthropic') expect(req.headers['anthropic-version']).toBe('2023-06-01')
  })

  it('Test connection makes one minimal request without CRM data and says what answered', async () => {
    const id = await agreed(configFor(flavor, server.baseURL))
    const before = server.requests.length
    server.script(reply.text('OK'))
    const result = await svc.testConnection(USER, id)
    expect(result).toMatchObject({ ok: true, model: MODEL_IDS[flavor] })
    expect(result.message).toMatch(new RegExp(`at ${server.host.replace(/\./g, '\\.')} answered in \\d+ ms with the model ${MODEL_IDS[flavor]}: “OK”`))
    const sent = server.requests.slice(before)
    expect(sent).toHaveLength(1)
    expect(sent[0]!.rawBody).toContain('Reply with the single word OK.')
    expect(sent[0]!.rawBody).not.toMatch(/search_records|Countersign/)

    const { status, body } = errorBodies.invalidKey(flavor)
    server.script(reply.httpError(status, body))
    const failed = await svc.testConnection(USER, id)
    expect(failed).toMatchObject({ ok: false, model: null })
    expect(failed.message).toMatch(/did not accept the API key \(HTTP 401\)/)
    expect(failed.message).not.toContain(API_KEYS[flavor])
  })

  it('sends gateway headers, keeps their values in the keychain only, and can remove them', async () => {
    const gatewayToken = 'gw-token-5e6f7a8b9c0d'
    const id = await agreed(configFor(flavor, server.baseURL, { headers: { 'X-Gateway-Token': gatewayToken, 'X-Team': 'sales-east' } }))
    server.script(reply.text('hi'))
    await runTurn((await svc.resolve(USER)).model, userAsks('hi'))
    const req = server.requests.at(-1)!
    expect(req.headers['x-gateway-token']).toBe(gatewayToken)
    expect(req.headers['x-team']).toBe('sales-east')
    expect(authOf(req.headers)).toContain(API_KEYS[flavor])
    expect(svc.view(USER).profiles?.[0]).toMatchObject({ headerNames: ['X-Gateway-Token', 'X-Team'] })
    expect(readFileSync(join(dataDir, 'providers.json'), 'utf8')).not.toContain(gatewayToken)
    expect(JSON.stringify(svc.view(USER))).not.toContain(gatewayToken)

    // Same endpoint, already agreed: saved at once; {} removes the headers.
    const saved = await svc.prepare(USER, { ...configFor(flavor, server.baseURL, { headers: {}, profileId: id }), apiKey: undefined })
    expect(saved.status).toBe('saved')
    server.script(reply.text('hi'))
    await runTurn((await svc.resolve(USER)).model, userAsks('hi'))
    expect(server.requests.at(-1)!.headers['x-gateway-token']).toBeUndefined()
    // The key was kept (none entered), and still authenticates.
    expect(authOf(server.requests.at(-1)!.headers)).toContain(API_KEYS[flavor])
    await expect(svc.prepare(USER, configFor(flavor, server.baseURL, { headers: { Authorization: 'Bearer x' } }))).rejects.toThrow(/set by Countersign itself/)
    await expect(svc.prepare(USER, configFor(flavor, server.baseURL, { headers: { 'X-Bad': 'a\r\nInjected: yes' } }))).rejects.toThrow(/on one line/)
  })

  it('applies generation settings to every request', async () => {
    await agreed(configFor(flavor, server.baseURL, { generation: { temperature: 0.2, maxOutputTokens: 900 } }))
    server.script(reply.text('hi'))
    await runTurn((await svc.resolve(USER)).model, userAsks('hi'))
    const body = server.requests.at(-1)!.body as Record<string, unknown>
    const max = body.max_tokens ?? body.max_completion_tokens ?? body.max_output_tokens
    expect(max).toBe(900)
    // OpenAI's reasoning models take no temperature (the client drops it); everyone else gets it.
    if (flavor !== 'openai-chat' && flavor !== 'openai-responses') expect(body.temperature).toBe(0.2)
  })
})

describe('OpenAI organisation, project and reasoning effort', () => {
  let server: ProviderServer
  beforeAll(async () => {
    server = await startProviderServer('openai-responses')
  })
  afterAll(async () => {
    await server.close()
  })

  it('sends OpenAI-Organization and OpenAI-Project, on answers and on the model list', async () => {
    const id = await agreed(configFor('openai-responses', server.baseURL, { organization: 'org-harborpine', project: 'proj_crm', generation: { reasoningEffort: 'low' } }))
    server.script(reply.text('hi'))
    await runTurn((await svc.resolve(USER)).model, userAsks('hi'))
    const req = server.requests.at(-1)!
    expect(req.headers['openai-organization']).toBe('org-harborpine')
    expect(req.headers['openai-project']).toBe('proj_crm')
    expect((req.body as { reasoning?: { effort?: string } }).reasoning?.effort).toBe('low')
    await svc.listModels(USER, id)
    expect(server.requests.at(-1)!.headers['openai-organization']).toBe('org-harborpine')
    expect(svc.view(USER).profiles?.[0]).toMatchObject({ organization: 'org-harborpine', project: 'proj_crm', openaiStore: false, generation: { reasoningEffort: 'low' } })
  })
})

describe('DeepSeek', () => {
  it('uses the OpenAI-compatible Chat Completions API at api.deepseek.com by default', async () => {
    expect(providerCatalogue.deepseek).toMatchObject({ displayName: 'DeepSeek', defaultBaseURL: 'https://api.deepseek.com/v1', defaultModel: 'deepseek-chat', requiresApiKey: true })
    const server = await startProviderServer('openai-chat')
    try {
      // A loopback stand-in speaks DeepSeek's (OpenAI-compatible) wire format.
      const id = await agreed({ kind: 'deepseek', model: 'deepseek-chat', baseURL: server.baseURL, apiKey: 'sk-deepseek-wire-3c4d5e' })
      server.script(reply.toolCall('list_overdue_invoices', {}))
      const turn = await runTurn((await svc.resolve(USER)).model, userAsks('Show overdue invoices'))
      expect(turn.toolCalls.map((c) => c.toolName)).toEqual(['list_overdue_invoices'])
      const req = server.requests.at(-1)!
      expect(req).toMatchObject({ method: 'POST', path: '/v1/chat/completions' })
      expect(req.headers.authorization).toBe('Bearer sk-deepseek-wire-3c4d5e')
      expect((req.body as { model: string }).model).toBe('deepseek-chat')
      expect(svc.view(USER).profiles?.find((p) => p.id === id)).toMatchObject({ kind: 'deepseek', name: `DeepSeek-style API at ${server.host}` })
    } finally {
      await server.close()
    }
  })
})

describe("a conversation's own provider", () => {
  let local: ProviderServer
  let hosted: ProviderServer
  beforeAll(async () => {
    local = await startProviderServer('ollama')
    hosted = await startProviderServer('anthropic')
  })
  afterAll(async () => {
    await Promise.all([local.close(), hosted.close()])
  })

  it('resolves the chosen profile among those the user agreed to; never one without consent', async () => {
    const privateId = await agreed({ kind: 'openai-compatible', label: 'Local, for private work', model: 'llama3.1', baseURL: local.baseURL })
    const hostedId = await agreed(configFor('anthropic', hosted.baseURL, { label: 'Hosted' }))
    expect(svc.view(USER).activeProfileId).toBe(hostedId)
    expect(svc.view(USER).profiles?.map((p) => [p.label, p.ready, p.active])).toEqual([
      ['Local, for private work', true, false],
      ['Hosted', true, true]
    ])

    svc.setConversationProfile(USER, 'c-private', privateId)
    expect(svc.conversationProfile('c-private')).toBe(privateId)
    local.script(reply.text('from the local model'))
    const resolved = await svc.resolve(USER, svc.conversationProfile('c-private'))
    expect(resolved).toMatchObject({ profileId: privateId, modelId: 'llama3.1' })
    expect((await runTurn(resolved.model, userAsks('hi'))).text).toBe('from the local model')
    // Other conversations keep the profile in use.
    expect((await svc.resolve(USER, svc.conversationProfile('c-other'))).profileId).toBe(hostedId)
    expect((await svc.resolve(USER, 'demo')).provider).toBe('demo')

    // Theo never agreed to either: he cannot pick them, and a stored choice does not send for him.
    expect(() => svc.setConversationProfile('u-theo', 'c-theo', privateId)).toThrow(ProviderNotReadyError)
    await expect(svc.resolve('u-theo', privateId)).rejects.toBeInstanceOf(ProviderNotReadyError)
    expect(local.requests).toHaveLength(1)
    expect(hosted.requests).toHaveLength(0)

    // Deleting a profile removes its key and the conversations' choice of it.
    const account = secretKeys.provider('anthropic', `${hosted.host}#${hostedId}`)
    expect(await secrets.get(account)).toBe(API_KEYS.anthropic)
    svc.setConversationProfile(USER, 'c-hosted', hostedId)
    const after = await svc.deleteProfile(USER, hostedId)
    expect(after).toMatchObject({ kind: 'demo', activeProfileId: null })
    expect(await secrets.get(account)).toBeNull()
    expect(svc.conversationProfile('c-hosted')).toBeNull()
    await expect(svc.resolve(USER, hostedId)).rejects.toThrow(/was removed/)
  })
})

describe('stored before profiles existed', () => {
  it('a provider chosen with the earlier single-choice file keeps working, with its key', async () => {
    const server = await startProviderServer('ollama')
    try {
      writeFileSync(
        join(dataDir, 'providers.json'),
        JSON.stringify({
          active: { kind: 'openai-compatible', model: 'llama3.1', baseURL: server.baseURL, endpointHost: server.host, hasApiKey: true, at: 1 },
          consents: [{ userId: USER, at: 1, provider: 'openai-compatible', providerName: 'x', endpointHost: server.host, wordingVersion: 'consent-v1' }]
        })
      )
      await secrets.set(secretKeys.provider('openai-compatible', server.host), 'legacy-key-1a2b3c4d')
      const fresh = new DefaultProviderService({ stores: createNodeStoreFactory(dataDir), secrets, clock: () => 2 })
      expect(fresh.view(USER)).toMatchObject({ kind: 'openai-compatible', ready: true, hasApiKey: true })
      server.script(reply.text('still here'))
      expect((await runTurn((await fresh.resolve(USER)).model, userAsks('hi'))).text).toBe('still here')
      expect(server.requests[0]!.headers.authorization).toBe('Bearer legacy-key-1a2b3c4d')
    } finally {
      await server.close()
    }
  })
})
