// The real provider clients (built by factory.ts) against loopback servers speaking each
// provider's wire format: streaming, tool calls, continuation with results and declines, each
// failure explained by describeProviderError, and what went over the wire.
import type { ModelMessage } from 'ai'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { errorBodies, reply, startProviderServer, type Flavor, type ProviderServer } from '../../support/provider-servers'
import { API_KEYS, FLAVORS, MODEL_IDS, PROVIDER_NAMES, modelFor, runTurn, userAsks } from './helpers'

const CRM_PASSWORD = 'crm-password-Xk29!pQ'

/** A tool result carrying CRM data, as the loop appends it after a read. */
const readHistory = (toolCallId: string): ModelMessage[] => [
  { role: 'user', content: 'Show overdue invoices' },
  {
    role: 'assistant',
    content: [{ type: 'tool-call', toolCallId, toolName: 'list_overdue_invoices', input: {} }]
  },
  {
    role: 'tool',
    content: [
      {
        type: 'tool-result',
        toolCallId,
        toolName: 'list_overdue_invoices',
        output: {
          type: 'json',
          value: [
            {
              id: 'inv-7',
              number: 'INV-2026-0007',
              account: { id: 'acc-1', name: 'Acme Marine Outfitters' },
              dueDate: '2026-10-01',
              daysOverdue: 54,
              total: 12400,
              amountOpen: 12400,
              currency: 'USD'
            }
          ]
        }
      }
    ]
  }
]

/** A declined write, as the loop sends it back: a tool result carrying the decline and its reason. */
const declinedHistory = (toolCallId: string): ModelMessage[] => [
  { role: 'user', content: 'Move the deal Spring dock hardware order to won' },
  {
    role: 'assistant',
    content: [
      {
        type: 'tool-call',
        toolCallId,
        toolName: 'update_record',
        input: { type: 'deal', id: 'deal-1', fields: { stage: 'won' } }
      }
    ]
  },
  {
    role: 'tool',
    content: [
      {
        type: 'tool-result',
        toolCallId,
        toolName: 'update_record',
        output: {
          type: 'execution-denied',
          reason: 'The user declined this action; it did not run. Their reason: "not signed yet". Do not propose the same action again.'
        }
      }
    ]
  }
]

describe.each(FLAVORS)('%s wire format through the real client', (flavor: Flavor) => {
  let server: ProviderServer
  const ctx = { providerName: PROVIDER_NAMES[flavor], apiKey: API_KEYS[flavor], modelId: MODEL_IDS[flavor] }
  const model = () => modelFor(flavor, server.baseURL)

  beforeAll(async () => {
    server = await startProviderServer(flavor)
  })
  afterAll(async () => {
    await server.close()
  })

  it('streams a text answer', async () => {
    server.script(reply.text('Here are your **overdue invoices**, streamed word by word.'))
    const turn = await runTurn(model(), userAsks('Show overdue invoices'), ctx)
    expect(turn.failures).toEqual([])
    expect(turn.text).toBe('Here are your **overdue invoices**, streamed word by word.')
    expect(turn.finishReason).toBe('stop')
    const req = server.requests.at(-1)!
    expect(req.method).toBe('POST')
    expect(req.path).toBe(flavor === 'anthropic' ? '/v1/messages' : flavor === 'openai-responses' ? '/v1/responses' : '/v1/chat/completions')
    expect((req.body as { stream?: boolean }).stream).toBe(true)
    expect((req.body as { model?: string }).model).toBe(MODEL_IDS[flavor])
  })

  it('parses a read tool call with its input', async () => {
    server.script(reply.toolCall('search_records', { type: 'contact', text: 'Dana Whitfield' }, 'call_read_1'))
    const turn = await runTurn(model(), userAsks('Find the contact named Dana Whitfield'), ctx)
    expect(turn.failures).toEqual([])
    expect(turn.finishReason).toBe('tool-calls')
    expect(turn.toolCalls).toEqual([
      { toolCallId: 'call_read_1', toolName: 'search_records', input: { type: 'contact', text: 'Dana Whitfield' }, invalid: false }
    ])
    // The tools were declared to the provider with their JSON schemas.
    const body = JSON.stringify(server.requests.at(-1)!.body)
    expect(body).toContain('search_records')
    expect(body).toContain('send_message')
  })

  it('parses a write tool call (the loop then waits for approval)', async () => {
    server.script(
      reply.toolCall('update_record', { type: 'deal', id: 'deal-1', fields: { stage: 'negotiation' } }, 'call_write_1')
    )
    const turn = await runTurn(model(), userAsks('Move the deal Spring dock hardware order to negotiation'), ctx)
    expect(turn.toolCalls).toEqual([
      {
        toolCallId: 'call_write_1',
        toolName: 'update_record',
        input: { type: 'deal', id: 'deal-1', fields: { stage: 'negotiation' } },
        invalid: false
      }
    ])
  })

  it('parses two tool calls in one turn', async () => {
    server.script(
      reply.toolCalls(
        { name: 'list_overdue_invoices', args: {}, id: 'call_a' },
        { name: 'search_records', args: { type: 'account', text: 'Acme' }, id: 'call_b' }
      )
    )
    const turn = await runTurn(model(), userAsks('Overdue invoices and the Acme account'), ctx)
    expect(turn.failures).toEqual([])
    expect(turn.toolCalls.map((c) => [c.toolCallId, c.toolName, c.input])).toEqual([
      ['call_a', 'list_overdue_invoices', {}],
      ['call_b', 'search_records', { type: 'account', text: 'Acme' }]
    ])
  })

  it('surfaces a malformed tool call as an invalid call, without throwing', async () => {
    server.script(reply.malformedToolCall('search_records'))
    const turn = await runTurn(model(), userAsks('Find Dana'), ctx)
    expect(turn.failures).toEqual([])
    expect(turn.toolCalls).toHaveLength(1)
    expect(turn.toolCalls[0]!.toolName).toBe('search_records')
    expect(turn.toolCalls[0]!.invalid).toBe(true)
  })

  it('sends a read result back to the model in its wire format', async () => {
    server.script(reply.text('Acme Marine Outfitters owes $12,400 on INV-2026-0007.'))
    const turn = await runTurn(model(), readHistory('call_hist_1'), ctx)
    expect(turn.text).toContain('INV-2026-0007')
    const body = server.requests.at(-1)!.body as Record<string, unknown>
    const text = JSON.stringify(body)
    expect(text).toContain('call_hist_1')
    expect(text).toContain('INV-2026-0007')
    if (flavor === 'anthropic') expect(text).toContain('"tool_result"')
    else if (flavor === 'openai-responses') expect(text).toContain('"function_call_output"')
    else expect(text).toContain('"tool_call_id":"call_hist_1"')
  })

  it('sends a decline, with its reason, back to the model as the tool result', async () => {
    server.script(reply.text("Understood, I won't change that deal."))
    const turn = await runTurn(model(), declinedHistory('call_declined_1'), ctx)
    expect(turn.failures).toEqual([])
    const text = JSON.stringify(server.requests.at(-1)!.body)
    // The call and its result both go back (the real APIs answer 400 to a call without a result).
    expect(text.split('call_declined_1').length - 1).toBeGreaterThanOrEqual(2)
    expect(text).toContain('not signed yet')
    expect(text).toContain('Do not propose the same action again')
  })

  it('explains an invalid key (401)', async () => {
    const { status, body } = errorBodies.invalidKey(flavor)
    server.script(reply.httpError(status, body))
    const turn = await runTurn(model(), userAsks('hi'), ctx)
    expect(turn.failures).toHaveLength(1)
    expect(turn.failures[0]!.message).toMatch(/did not accept the API key \(HTTP 401\)/)
    expect(turn.failures[0]!.retryable).toBe(true) // Retry once the key or model is fixed
    expect(turn.failures[0]!.message).not.toContain('sk-')
  })

  it('explains a rate limit (429) and honours retry-after', async () => {
    server.script(reply.httpError(429, errorBodies.rateLimited(flavor).body, { 'retry-after': '17' }))
    const turn = await runTurn(model(), userAsks('hi'), ctx)
    expect(turn.failures[0]).toMatchObject({ retryable: true, retryAfterSeconds: 17 })
    expect(turn.failures[0]!.message).toMatch(/rate limit, HTTP 429\)\. Try again in 17 seconds/)
  })

  it('honours retry-after-ms over retry-after', async () => {
    server.script(reply.httpError(429, errorBodies.rateLimited(flavor).body, { 'retry-after-ms': '2500', 'retry-after': '60' }))
    const turn = await runTurn(model(), userAsks('hi'), ctx)
    expect(turn.failures[0]!.retryAfterSeconds).toBe(3)
  })

  it('explains a model that does not exist (404)', async () => {
    const { status, body } = errorBodies.modelNotFound(flavor, 'no-such-model')
    server.script(reply.httpError(status, body))
    const turn = await runTurn(modelFor(flavor, server.baseURL, 'no-such-model'), userAsks('hi'), ctx)
    expect(turn.failures[0]!.message).toMatch(/does not have the model "no-such-model"/)
    expect(turn.failures[0]!.retryable).toBe(true) // Retry once the key or model is fixed
  })

  it('explains a conversation too long for the context window (400)', async () => {
    const { status, body } = errorBodies.contextTooLong(flavor)
    server.script(reply.httpError(status, body))
    const turn = await runTurn(model(), userAsks('hi'), ctx)
    expect(turn.failures[0]!.message).toMatch(/too long for the model .*context window is full/)
    expect(turn.failures[0]!.retryable).toBe(false)
  })

  it('explains a stream cut in the middle of its JSON', async () => {
    server.script(reply.cutMidJson('Here is a partial answer that will be cut'))
    const turn = await runTurn(model(), userAsks('hi'), ctx)
    expect(turn.failures.length).toBeGreaterThanOrEqual(1)
    expect(turn.failures[0]!.message).toMatch(/incomplete or garbled, so it was not used/)
    expect(turn.failures[0]!.retryable).toBe(true)
  })

  it('explains a connection reset mid-stream', async () => {
    server.script(reply.reset('Here is a partial answer that will be reset'))
    const turn = await runTurn(model(), userAsks('hi'), ctx)
    expect(turn.failures).toHaveLength(1)
    expect(turn.failures[0]!.message).toMatch(/broke off in the middle of the answer/)
    expect(turn.failures[0]!.message).toContain(server.host)
    expect(turn.failures[0]!.retryable).toBe(true)
  })

  it('explains an invalid JSON event, while the rest of the stream still arrives', async () => {
    server.script(reply.invalidJsonEvent('The rest still arrives.'))
    const turn = await runTurn(model(), userAsks('hi'), ctx)
    expect(turn.text).toBe('The rest still arrives.')
    expect(turn.failures.length).toBeGreaterThanOrEqual(1)
    expect(turn.failures[0]!.message).toMatch(/incomplete or garbled/)
  })

  it('sent the API key only in its auth header, and no CRM credential anywhere', () => {
    expect(server.requests.length).toBeGreaterThanOrEqual(10)
    const key = API_KEYS[flavor]
    const authHeader = flavor === 'anthropic' ? 'x-api-key' : 'authorization'
    for (const req of server.requests) {
      for (const [name, value] of Object.entries(req.headers)) {
        if (name === authHeader) {
          expect(value).toBe(flavor === 'anthropic' ? key : `Bearer ${key}`)
        } else {
          expect(value, `header ${name}`).not.toContain(key)
        }
        expect(value).not.toContain(CRM_PASSWORD)
      }
      expect(req.rawBody).not.toContain(key)
      expect(req.url).not.toContain(key)
      expect(req.rawBody).not.toContain(CRM_PASSWORD)
    }
  })
})

describe('network down', () => {
  it.each(FLAVORS)('%s: a refused connection is explained', async (flavor) => {
    // A port that was just listening and is now closed: nothing answers there.
    const server = await startProviderServer(flavor)
    const baseURL = server.baseURL
    const host = server.host
    await server.close()
    const turn = await runTurn(modelFor(flavor, baseURL), userAsks('hi'), { providerName: PROVIDER_NAMES[flavor] })
    expect(turn.failures).toHaveLength(1)
    expect(turn.failures[0]!.message).toMatch(new RegExp(`could not reach ${host.replace(/\./g, '\\.')}: the connection was refused`))
    expect(turn.failures[0]!.retryable).toBe(true)
  })
})

describe('OpenAI API flavour', () => {
  it('uses the Responses API by default and Chat Completions on request', async () => {
    const responses = await startProviderServer('openai-responses')
    const chat = await startProviderServer('openai-chat')
    try {
      responses.script(reply.text('via responses'))
      chat.script(reply.text('via chat'))
      const { createLanguageModel } = await import('../../../src/main/providers/factory')
      const a = await runTurn(createLanguageModel({ kind: 'openai', model: 'gpt-5.4-mini', apiKey: 'sk-x-1234567', baseURL: responses.baseURL }), userAsks('hi'))
      const b = await runTurn(
        createLanguageModel({ kind: 'openai', api: 'chat', model: 'gpt-5.4-mini', apiKey: 'sk-x-1234567', baseURL: chat.baseURL }),
        userAsks('hi')
      )
      expect(a.text).toBe('via responses')
      expect(b.text).toBe('via chat')
      expect(responses.requests.map((r) => r.path)).toEqual(['/v1/responses'])
      expect(chat.requests.map((r) => r.path)).toEqual(['/v1/chat/completions'])
    } finally {
      await responses.close()
      await chat.close()
    }
  })
})

describe('Azure-style base URLs', () => {
  it('keeps ?api-version on every request, after the path', async () => {
    const compatible = await startProviderServer('openai-chat')
    const openai = await startProviderServer('openai-responses')
    try {
      const { createLanguageModel } = await import('../../../src/main/providers/factory')
      compatible.script(reply.text('compatible ok'))
      openai.script(reply.text('openai ok'))
      const a = await runTurn(
        createLanguageModel({ kind: 'openai-compatible', model: 'my-deployment', apiKey: 'azure-key-123456', baseURL: `${compatible.baseURL}?api-version=2024-10-21` }),
        userAsks('hi')
      )
      const b = await runTurn(
        createLanguageModel({ kind: 'openai', model: 'my-deployment', apiKey: 'sk-azure-123456', baseURL: `${openai.baseURL}?api-version=preview` }),
        userAsks('hi')
      )
      expect(a.text).toBe('compatible ok')
      expect(b.text).toBe('openai ok')
      expect(compatible.requests[0]!.url).toBe('/v1/chat/completions?api-version=2024-10-21')
      expect(openai.requests[0]!.url).toBe('/v1/responses?api-version=preview')
    } finally {
      await compatible.close()
      await openai.close()
    }
  })
})
