// The middleware every resolved model gets: the idle timeout (before the response starts and
// between parts, forwarding the user's Stop) and the call defaults from a profile.
import { streamText, wrapLanguageModel } from 'ai'
import { MockLanguageModelV4 } from 'ai/test'
import type { LanguageModelV4CallOptions, LanguageModelV4StreamPart } from '@ai-sdk/provider'
import { describe, expect, it } from 'vitest'
import { describeProviderError, StreamIdleTimeoutError } from '../../../src/main/providers/errors'
import { callDefaultsMiddleware, idleTimeoutMiddleware } from '../../../src/main/providers/middleware'

const usage = { inputTokens: { total: 1, noCache: 1, cacheRead: 0, cacheWrite: 0 }, outputTokens: { total: 1, text: 1, reasoning: 0 } }

/** A model whose stream sends `parts` and then, if `hang`, nothing more until aborted. */
function model(options: { parts?: LanguageModelV4StreamPart[]; hang?: boolean; neverStarts?: boolean; seen?: LanguageModelV4CallOptions[] }) {
  return new MockLanguageModelV4({
    doStream: async (params) => {
      options.seen?.push(params)
      if (options.neverStarts) {
        await new Promise((_, reject) => params.abortSignal?.addEventListener('abort', () => reject(params.abortSignal!.reason)))
      }
      const parts = options.parts ?? []
      return {
        stream: new ReadableStream<LanguageModelV4StreamPart>({
          start(c) {
            for (const p of parts) c.enqueue(p)
            if (!options.hang) c.close()
            else params.abortSignal?.addEventListener('abort', () => c.error(new DOMException('aborted', 'AbortError')))
          }
        })
      }
    }
  })
}

async function collect(m: Parameters<typeof streamText>[0]['model'], abortSignal?: AbortSignal) {
  const errors: unknown[] = []
  let text = ''
  // As the loop reads a stream: error parts and a thrown error both count.
  try {
    const result = streamText({ model: m, prompt: 'hi', maxRetries: 0, abortSignal, onError: () => undefined })
    for await (const part of result.stream) {
      if (part.type === 'text-delta') text += part.text
      if (part.type === 'error') errors.push(part.error)
    }
  } catch (error) {
    if (!errors.includes(error)) errors.push(error)
  }
  return { text, errors }
}

describe('idleTimeoutMiddleware', () => {
  it('ends a stream that goes quiet, aborts its request, and the loop is told why', async () => {
    const seen: LanguageModelV4CallOptions[] = []
    const inner = model({ seen, hang: true, parts: [{ type: 'stream-start', warnings: [] }, { type: 'text-start', id: 't' }, { type: 'text-delta', id: 't', delta: 'Half an ' }] })
    const started = Date.now()
    const { text, errors } = await collect(wrapLanguageModel({ model: inner, middleware: idleTimeoutMiddleware(150) }))
    expect(Date.now() - started).toBeLessThan(3000)
    expect(text).toBe('Half an ')
    expect(errors).toHaveLength(1)
    expect(errors[0]).toBeInstanceOf(StreamIdleTimeoutError)
    expect(seen[0]!.abortSignal?.aborted).toBe(true)
    expect(describeProviderError(errors[0], { providerName: 'OpenAI' })).toEqual({
      message: expect.stringMatching(/^OpenAI stopped sending the answer: nothing arrived for 1 second, so Countersign ended the request and did not use the partial answer\./),
      retryable: true
    })
  })

  it('counts the wait for the response to start', async () => {
    const seen: LanguageModelV4CallOptions[] = []
    const { errors } = await collect(wrapLanguageModel({ model: model({ seen, neverStarts: true }), middleware: idleTimeoutMiddleware(150) }))
    expect(errors[0]).toBeInstanceOf(StreamIdleTimeoutError)
    expect(seen[0]!.abortSignal?.aborted).toBe(true)
  })

  it("passes the user's Stop through to the request, and leaves a steady stream alone", async () => {
    const seen: LanguageModelV4CallOptions[] = []
    const stop = new AbortController()
    const running = collect(wrapLanguageModel({ model: model({ seen, hang: true, parts: [{ type: 'stream-start', warnings: [] }] }), middleware: idleTimeoutMiddleware(60_000) }), stop.signal)
    await new Promise((r) => setTimeout(r, 50))
    stop.abort()
    await running
    expect(seen[0]!.abortSignal?.aborted).toBe(true)

    const parts: LanguageModelV4StreamPart[] = [
      { type: 'stream-start', warnings: [] },
      { type: 'text-start', id: 't' },
      { type: 'text-delta', id: 't', delta: 'All of it.' },
      { type: 'text-end', id: 't' },
      { type: 'finish', finishReason: { unified: 'stop', raw: 'stop' }, usage }
    ]
    expect(await collect(wrapLanguageModel({ model: model({ parts }), middleware: idleTimeoutMiddleware(60_000) }))).toEqual({ text: 'All of it.', errors: [] })
  })
})

describe('callDefaultsMiddleware', () => {
  const finish: LanguageModelV4StreamPart[] = [{ type: 'stream-start', warnings: [] }, { type: 'finish', finishReason: { unified: 'stop', raw: 'stop' }, usage }]

  it("fills in the profile's settings and store: false, without overriding what the caller set", async () => {
    const seen: LanguageModelV4CallOptions[] = []
    const m = wrapLanguageModel({ model: model({ seen, parts: finish }), middleware: callDefaultsMiddleware({ generation: { temperature: 0.3, maxOutputTokens: 500, reasoningEffort: 'high' }, openaiStore: false }) })
    await collect(m)
    expect(seen[0]).toMatchObject({ temperature: 0.3, maxOutputTokens: 500, reasoning: 'high', providerOptions: { openai: { store: false } } })
    const result = streamText({ model: m, prompt: 'hi', temperature: 1, maxOutputTokens: 16, providerOptions: { openai: { store: true } } })
    await result.consumeStream()
    expect(seen[1]).toMatchObject({ temperature: 1, maxOutputTokens: 16, providerOptions: { openai: { store: true } } })
  })

  it('adds no store field for providers other than OpenAI Responses', async () => {
    const seen: LanguageModelV4CallOptions[] = []
    await collect(wrapLanguageModel({ model: model({ seen, parts: finish }), middleware: callDefaultsMiddleware({ generation: {} }) }))
    expect(seen[0]!.providerOptions?.openai).toBeUndefined()
    expect(seen[0]!.temperature).toBeUndefined()
  })
})
