// Token usage read from what each wire format's stream reports (the loop puts it on the answer).
import { streamText } from 'ai'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { tokenUsageOf } from '../../../src/main/providers/usage'
import { reply, startProviderServer, type ProviderServer } from '../../support/provider-servers'
import { FLAVORS, modelFor } from './helpers'

describe.each(FLAVORS)('%s', (flavor) => {
  let server: ProviderServer
  beforeAll(async () => {
    server = await startProviderServer(flavor)
  })
  afterAll(async () => {
    await server.close()
  })

  it('reports the tokens the stream carried', async () => {
    server.script(reply.text('Hello.'))
    const result = streamText({ model: modelFor(flavor, server.baseURL), prompt: 'hi', maxRetries: 0 })
    let usage
    for await (const part of result.stream) if (part.type === 'finish') usage = tokenUsageOf(part.totalUsage)
    // Every loopback server reports 42 in and 7 out, in its provider's own fields.
    expect(usage).toEqual({ inputTokens: 42, outputTokens: 7 })
  })
})

it('gives nothing when the stream reported nothing', () => {
  expect(tokenUsageOf(undefined)).toBeUndefined()
  expect(tokenUsageOf({ inputTokens: undefined, outputTokens: undefined } as never)).toBeUndefined()
})
