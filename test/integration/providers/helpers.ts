// Shared by the provider integration tests: a model per wire flavour (built by the app's own
// factory, so the real provider clients are exercised), the app's tools as the loop declares them
// (no execute), and one streamed turn collected the way the assistant loop reads it.
import { streamText, tool, type LanguageModel, type ModelMessage } from 'ai'
import { z } from 'zod'
import { createLanguageModel } from '../../../src/main/providers/factory'
import { describeProviderError, isInterruptedFinish, StreamInterruptedError } from '../../../src/main/providers/errors'
import type { ProviderConfigInput, ProviderFailure } from '../../../src/main/providers/types'
import type { Flavor } from '../../support/provider-servers'

export const API_KEYS: Record<Flavor, string> = {
  'openai-chat': 'sk-test-chat-4f9c2b7e1d0a',
  'openai-responses': 'sk-test-responses-8e1b3c5d7f9a',
  anthropic: 'sk-ant-test-2a4c6e8b0d1f',
  ollama: 'ollama-local-key-5b7d9f1a3c'
}

export const FLAVORS: Flavor[] = ['openai-chat', 'openai-responses', 'anthropic', 'ollama']

export const PROVIDER_NAMES: Record<Flavor, string> = {
  'openai-chat': 'OpenAI',
  'openai-responses': 'OpenAI',
  anthropic: 'Anthropic',
  ollama: 'Ollama (on this computer)'
}

export const MODEL_IDS: Record<Flavor, string> = {
  'openai-chat': 'gpt-5.4-mini',
  'openai-responses': 'gpt-5.4-mini',
  anthropic: 'claude-sonnet-4-5',
  ollama: 'llama3.1'
}

export function modelFor(flavor: Flavor, baseURL: string, model = MODEL_IDS[flavor]): LanguageModel {
  switch (flavor) {
    case 'openai-chat':
      return createLanguageModel({ kind: 'openai', api: 'chat', model, apiKey: API_KEYS[flavor], baseURL })
    case 'openai-responses':
      return createLanguageModel({ kind: 'openai', model, apiKey: API_KEYS[flavor], baseURL })
    case 'anthropic':
      return createLanguageModel({ kind: 'anthropic', model, apiKey: API_KEYS[flavor], baseURL })
    case 'ollama':
      return createLanguageModel({ kind: 'openai-compatible', model, apiKey: API_KEYS[flavor], baseURL })
  }
}

const recordType = z.enum(['account', 'contact', 'deal', 'invoice'])

/** The app's abilities as the loop declares them: description and input schema, no execute. */
export const appTools = {
  search_records: tool({
    description: 'Search CRM records of one type.',
    inputSchema: z.object({
      type: recordType,
      text: z.string().optional(),
      where: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])).optional(),
      limit: z.number().int().optional()
    })
  }),
  list_overdue_invoices: tool({ description: 'List overdue invoices.', inputSchema: z.object({}) }),
  update_record: tool({
    description: 'Change fields of a record. Waits for approval.',
    inputSchema: z.object({
      type: recordType,
      id: z.string(),
      fields: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()]))
    })
  }),
  send_message: tool({
    description: 'Send an email. Waits for approval.',
    inputSchema: z.object({
      to: z.array(z.string()),
      subject: z.string(),
      body: z.string(),
      about: z.object({ type: recordType, id: z.string() }).optional()
    })
  })
}

export interface Turn {
  text: string
  toolCalls: Array<{ toolCallId: string; toolName: string; input: unknown; invalid: boolean }>
  finishReason: string | undefined
  /** Every failure, as describeProviderError explains it (error parts, thrown errors, cut streams). */
  failures: ProviderFailure[]
  rawErrors: unknown[]
}

/** One streamed model call, read the way the assistant loop reads it. Never throws. */
export async function runTurn(
  model: LanguageModel,
  messages: ModelMessage[],
  context: { providerName?: string; apiKey?: string; modelId?: string } = {}
): Promise<Turn> {
  const turn: Turn = { text: '', toolCalls: [], finishReason: undefined, failures: [], rawErrors: [] }
  let rawFinish: string | undefined
  const fail = (error: unknown) => {
    turn.rawErrors.push(error)
    turn.failures.push(describeProviderError(error, context))
  }
  try {
    const result = streamText({
      model,
      instructions: 'You are Countersign. Reads run freely; writes wait for approval.',
      messages,
      tools: appTools,
      maxRetries: 0,
      onError: () => {}
    })
    for await (const part of result.stream) {
      switch (part.type) {
        case 'text-delta':
          turn.text += part.text
          break
        case 'tool-call':
          turn.toolCalls.push({
            toolCallId: part.toolCallId,
            toolName: part.toolName,
            input: part.input,
            invalid: Boolean((part as { invalid?: boolean }).invalid)
          })
          break
        case 'error':
          fail(part.error)
          break
        case 'finish-step':
          rawFinish = part.rawFinishReason
          break
        case 'finish':
          turn.finishReason = part.finishReason
          break
      }
    }
  } catch (error) {
    fail(error)
  }
  if (turn.failures.length === 0 && isInterruptedFinish(turn.finishReason, rawFinish)) fail(new StreamInterruptedError())
  return turn
}

export const userAsks = (text: string): ModelMessage[] => [{ role: 'user', content: text }]

/** What a person enters in Settings for each wire format; a local endpoint (ollama) needs no key. */
export function providerConfigFor(flavor: Flavor, baseURL: string, extra: Partial<ProviderConfigInput> = {}): ProviderConfigInput {
  switch (flavor) {
    case 'openai-chat':
      return { kind: 'openai', api: 'chat', model: MODEL_IDS[flavor], baseURL, apiKey: API_KEYS[flavor], ...extra }
    case 'openai-responses':
      return { kind: 'openai', api: 'responses', model: MODEL_IDS[flavor], baseURL, apiKey: API_KEYS[flavor], ...extra }
    case 'anthropic':
      return { kind: 'anthropic', model: MODEL_IDS[flavor], baseURL, apiKey: API_KEYS[flavor], ...extra }
    case 'ollama':
      return { kind: 'openai-compatible', model: MODEL_IDS[flavor], baseURL, ...extra }
  }
}
