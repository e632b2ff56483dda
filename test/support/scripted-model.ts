// A scripted language model for driving the assistant loop in tests: each call to the model
// plays the next step of the script and records the prompt it was given.
import { MockLanguageModelV4 } from 'ai/test'
import type { LanguageModelV4CallOptions, LanguageModelV4StreamPart } from '@ai-sdk/provider'

export type ScriptStep =
  | { text?: string; toolCalls?: { name: string; input: unknown; id?: string }[] }
  | { error: Error }
  | ((prompt: LanguageModelV4CallOptions['prompt']) => { text?: string; toolCalls?: { name: string; input: unknown; id?: string }[] })

const usage = { inputTokens: { total: 10, noCache: 10, cacheRead: 0, cacheWrite: 0 }, outputTokens: { total: 5, text: 5, reasoning: 0 } }
let counter = 0

export function scriptedModel(steps: ScriptStep[]) {
  const prompts: LanguageModelV4CallOptions['prompt'][] = []
  const model = new MockLanguageModelV4({
    provider: 'test-provider',
    modelId: 'scripted',
    doStream: async (options) => {
      prompts.push(options.prompt)
      const raw = steps.shift()
      if (!raw) throw new Error('The scripted model ran out of steps')
      if ('error' in raw) throw raw.error
      const step = typeof raw === 'function' ? raw(options.prompt) : raw
      const parts: LanguageModelV4StreamPart[] = [{ type: 'stream-start', warnings: [] }]
      if (step.text) {
        parts.push({ type: 'text-start', id: 't' })
        for (const word of step.text.split(/(?<= )/)) parts.push({ type: 'text-delta', id: 't', delta: word })
        parts.push({ type: 'text-end', id: 't' })
      }
      for (const call of step.toolCalls ?? []) {
        parts.push({
          type: 'tool-call',
          toolCallId: call.id ?? `call-${++counter}`,
          toolName: call.name,
          input: typeof call.input === 'string' ? call.input : JSON.stringify(call.input)
        })
      }
      parts.push({ type: 'finish', finishReason: { unified: step.toolCalls?.length ? 'tool-calls' : 'stop', raw: undefined }, usage })
      return { stream: new ReadableStream({ start(c) { for (const p of parts) c.enqueue(p); c.close() } }) }
    }
  })
  return { model, prompts, remaining: () => steps.length }
}

/** The tool results the model was sent in its latest prompt, by tool name. */
export function lastToolResults(prompt: LanguageModelV4CallOptions['prompt']) {
  return prompt
    .filter((m) => m.role === 'tool')
    .flatMap((m) => m.content)
    .filter((p): p is Extract<typeof p, { type: 'tool-result' }> => p.type === 'tool-result')
}
