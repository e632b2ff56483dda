// Turns whatever a provider call failed with into one clear message for the user, whether retry
// makes sense, and how long to wait. Messages never carry an API key: provider texts that could
// echo one (OpenAI's 401 does, masked) are not shown, and every message is scrubbed anyway.
import { APICallError, NoSuchModelError } from 'ai'
import { KeychainError } from '../secrets/types'
import { ProviderNotReadyError, type ProviderFailure } from './types'

/**
 * The loop raises this itself when a stream ended without a proper finish (OpenAI Chat or
 * Responses cut mid-JSON: no error, only a finish reason of 'interrupted', or 'other' with no raw
 * reason in @ai-sdk/openai 4.0.x). See `isInterruptedFinish`.
 */
export class StreamInterruptedError extends Error {
  constructor(message = 'The answer stream ended before the provider finished it.') {
    super(message)
    this.name = 'StreamInterruptedError'
  }
}

/**
 * Raised by the idle-timeout middleware (middleware.ts) when a stream sent nothing for too long:
 * the request is aborted and the partial answer is not used.
 */
export class StreamIdleTimeoutError extends Error {
  constructor(readonly seconds: number) {
    super(`The answer stream sent nothing for ${seconds} second${seconds === 1 ? '' : 's'}.`)
    this.name = 'StreamIdleTimeoutError'
  }
}

/** True when a step's finish means the stream was cut, not finished by the model. */
export function isInterruptedFinish(finishReason: string | undefined, rawFinishReason?: string | undefined): boolean {
  if (finishReason === 'interrupted') return true
  // @ai-sdk/openai 4.0.x maps a missing finish_reason / missing response.completed to 'other'.
  return finishReason === 'other' && (rawFinishReason === undefined || rawFinishReason === null)
}

export interface DescribeContext {
  /** Shown in messages, e.g. "OpenAI". */
  providerName?: string
  modelId?: string
  /** Redacted from every message if it ever appears. */
  apiKey?: string
}

const NOTHING_LOST = 'Your conversation and any pending actions are unchanged.'

export function describeProviderError(error: unknown, context: DescribeContext = {}): ProviderFailure {
  const failure = classify(error, context)
  return { ...failure, message: scrub(failure.message, context.apiKey) }
}

function classify(error: unknown, ctx: DescribeContext): ProviderFailure {
  const chain = causeChain(error)
  const who = ctx.providerName ?? 'The AI provider'

  for (const e of chain) {
    if (e instanceof ProviderNotReadyError || nameOf(e) === 'ProviderNotReadyError') {
      return { message: (e as Error).message, retryable: false }
    }
    if (e instanceof KeychainError || nameOf(e) === 'KeychainError') {
      return { message: (e as Error).message, retryable: true }
    }
  }
  const idle = chain.find((e) => nameOf(e) === 'StreamIdleTimeoutError') as StreamIdleTimeoutError | undefined
  if (idle) {
    return {
      message: `${who} stopped sending the answer: nothing arrived for ${idle.seconds} second${idle.seconds === 1 ? '' : 's'}, so Countersign ended the request and did not use the partial answer. ${NOTHING_LOST} Try again.`,
      retryable: true
    }
  }
  if (chain.some(isAbort)) {
    return { message: `The answer was stopped. ${NOTHING_LOST}`, retryable: true }
  }

  // An HTTP answer with an error status: the most specific thing we can know.
  const http = chain.find((e): e is APICallError => APICallError.isInstance(e) && typeof e.statusCode === 'number' && e.statusCode !== 200)
  if (http) return fromStatus(http, ctx)

  // A well-formed error event inside the stream (Anthropic `error`, OpenAI `response.failed`/`error`).
  const streamProvider = chain.find((e) => nameOf(e) === 'AI_StreamProviderError')
  if (streamProvider) return fromStreamProviderError(streamProvider as StreamProviderLike, ctx)

  if (chain.some((e) => NoSuchModelError.isInstance(e))) {
    return modelNotFound(ctx, undefined)
  }
  if (chain.some((e) => nameOf(e) === 'AI_LoadAPIKeyError')) {
    return { message: `No API key is set for ${who}. Add one in Settings → AI provider, then press Retry.`, retryable: true }
  }

  // A connection that broke after the provider answered 200: reset mid-stream.
  const broken = chain.find((e): e is APICallError => APICallError.isInstance(e) && e.statusCode === 200)
  if (broken) {
    return {
      message: `The connection to ${hostOf(broken.url) ?? who} broke off in the middle of the answer, so the partial answer was not used. ${NOTHING_LOST} Try again.`,
      retryable: true
    }
  }

  const network = networkProblem(chain)
  if (network) {
    const host = chain.map((e) => (APICallError.isInstance(e) ? hostOf(e.url) : undefined)).find(Boolean)
    return {
      message: `Countersign could not reach ${host ?? who}: ${network}. Check your network connection and the endpoint address, then try again. ${NOTHING_LOST}`,
      retryable: true
    }
  }

  const malformed = chain.find((e) =>
    [
      'StreamInterruptedError',
      'InterruptedStreamError',
      'AI_NoOutputGeneratedError',
      'AI_InvalidResponseDataError',
      'AI_JSONParseError',
      'AI_InvalidStreamPartError',
      'AI_EmptyResponseBodyError',
      'AI_TypeValidationError',
      'AI_NoContentGeneratedError'
    ].includes(nameOf(e) ?? '')
  )
  if (malformed) {
    return {
      message: `${who}'s answer arrived incomplete or garbled, so it was not used. ${NOTHING_LOST} Try again.`,
      retryable: true
    }
  }

  const first = chain[0]
  const detail = first instanceof Error ? first.message : typeof first === 'string' ? first : ''
  return {
    message: `Something went wrong while talking to ${ctx.providerName ?? 'the AI provider'}${detail ? `: ${oneLine(detail)}` : ''}. ${NOTHING_LOST}`,
    retryable: true
  }
}

function fromStatus(e: APICallError, ctx: DescribeContext): ProviderFailure {
  const status = e.statusCode as number
  const who = ctx.providerName ?? 'The AI provider'
  const host = hostOf(e.url)
  const body = providerMessage(e)
  const code = providerCode(e)
  const text = `${body} ${code} ${e.responseBody ?? ''}`.toLowerCase()

  if (status === 401 || (status === 403 && !/region|country|territory/.test(text))) {
    return {
      message:
        status === 401
          ? `${who} did not accept the API key (HTTP 401). Check or replace the key in Settings → AI provider, then press Retry.`
          : `${who} refused this request with this API key (HTTP 403): the key may lack access to this model or project. Check the key in Settings → AI provider, then press Retry.`,
      // Retry is offered: once the key is fixed, the same question goes out again.
      retryable: true
    }
  }
  if (status === 403) {
    return { message: `${who} is not available from your location (HTTP 403).`, retryable: false }
  }
  if (status === 429 || status === 529 || /overloaded/.test(text)) {
    if (/insufficient_quota|exceeded your current quota|billing|credit balance|quota/.test(text)) {
      return {
        message: `${who} says this account has run out of quota or credit (HTTP ${status}). Check the plan and billing with ${who}, then try again.`,
        retryable: true
      }
    }
    const wait = retryAfterSeconds(e.responseHeaders)
    if (status === 529 || /overloaded/.test(text)) {
      return {
        message: `${who} is overloaded right now (HTTP ${status}).${wait !== undefined ? ` Try again in ${formatWait(wait)}.` : ' Try again in a moment.'} ${NOTHING_LOST}`,
        retryable: true,
        ...(wait !== undefined ? { retryAfterSeconds: wait } : {})
      }
    }
    return {
      message: `${who} is limiting how fast requests can be made (rate limit, HTTP 429).${wait !== undefined ? ` Try again in ${formatWait(wait)}.` : ' Wait a moment, then try again.'} ${NOTHING_LOST}`,
      retryable: true,
      ...(wait !== undefined ? { retryAfterSeconds: wait } : {})
    }
  }
  if (status === 404) {
    if (/model/.test(text) || !e.responseBody) return modelNotFound(ctx, modelOf(e))
    return {
      message: `${host ?? who} answered "not found" (HTTP 404): check the endpoint address in Settings → AI provider, then press Retry.`,
      retryable: true
    }
  }
  if ((status === 400 || status === 413 || status === 422) && CONTEXT_PATTERN.test(text)) {
    return {
      message: `This conversation is now too long for ${modelOf(e) ? `the model ${modelOf(e)}` : 'the model'} (its context window is full). Start a new conversation, or choose a model with a larger context window. ${NOTHING_LOST}`,
      retryable: false
    }
  }
  if (status === 413) {
    return { message: `The request was too large for ${who} (HTTP 413). Start a new conversation. ${NOTHING_LOST}`, retryable: false }
  }
  if (status >= 500 || status === 408 || status === 409) {
    return {
      message: `${who} had a problem answering (HTTP ${status}). Try again in a moment. ${NOTHING_LOST}`,
      retryable: true
    }
  }
  return {
    message: `${who} rejected the request (HTTP ${status})${body ? `: ${oneLine(body)}` : '.'} ${NOTHING_LOST}`,
    retryable: false
  }
}

const CONTEXT_PATTERN =
  /context[_ ]length|context window|maximum context|prompt is too long|too many tokens|reduce the length|input is too long|exceeds the context|maximum number of tokens|context_length_exceeded|string_above_max_length/

interface StreamProviderLike {
  message: string
  type?: string
  code?: string
  statusCode?: number
  isRetryable?: boolean
}

function fromStreamProviderError(e: StreamProviderLike, ctx: DescribeContext): ProviderFailure {
  const who = ctx.providerName ?? 'The AI provider'
  const text = `${e.type ?? ''} ${e.code ?? ''} ${e.message ?? ''}`.toLowerCase()
  if (/overloaded/.test(text)) {
    return { message: `${who} is overloaded right now. Try again in a moment. ${NOTHING_LOST}`, retryable: true }
  }
  if (/rate_limit|rate limit/.test(text)) {
    return { message: `${who} is limiting how fast requests can be made (rate limit). Wait a moment, then try again. ${NOTHING_LOST}`, retryable: true }
  }
  if (CONTEXT_PATTERN.test(text)) {
    return {
      message: `This conversation is now too long for the model (its context window is full). Start a new conversation. ${NOTHING_LOST}`,
      retryable: false
    }
  }
  return {
    message: `${who} stopped with an error in the middle of the answer${e.message ? `: ${oneLine(e.message)}` : ''}. ${NOTHING_LOST}`,
    retryable: e.isRetryable ?? true
  }
}

function modelNotFound(ctx: DescribeContext, model: string | undefined): ProviderFailure {
  const id = model ?? ctx.modelId
  const who = ctx.providerName ?? 'The AI provider'
  return {
    message: `${who} does not have the model ${id ? `"${id}"` : 'that was chosen'} (or this key may not use it). Choose another model in Settings → AI provider${ctx.providerName?.includes('Ollama') ? ', or pull it with `ollama pull`' : ''}, then press Retry.`,
    retryable: true
  }
}

// ---- helpers -----------------------------------------------------------------------------------

function causeChain(error: unknown): unknown[] {
  const out: unknown[] = []
  const queue: unknown[] = [error]
  while (queue.length && out.length < 12) {
    const e = queue.shift()
    if (e == null || out.includes(e)) continue
    out.push(e)
    if (typeof e === 'object') {
      const o = e as { cause?: unknown; lastError?: unknown; errors?: unknown[] }
      if (o.lastError) queue.push(o.lastError)
      if (o.cause) queue.push(o.cause)
      if (Array.isArray(o.errors)) queue.push(...o.errors.slice(-2))
    }
  }
  return out
}

function nameOf(e: unknown): string | undefined {
  return e && typeof e === 'object' && 'name' in e ? String((e as { name: unknown }).name) : undefined
}

function isAbort(e: unknown): boolean {
  const name = nameOf(e)
  return name === 'AbortError' || name === 'ResponseAborted' || name === 'TimeoutError'
}

function networkProblem(chain: unknown[]): string | undefined {
  for (const e of chain) {
    const code = e && typeof e === 'object' && 'code' in e ? String((e as { code: unknown }).code) : ''
    const message = e instanceof Error ? e.message : ''
    const all = `${code} ${message}`
    if (/ECONNREFUSED/.test(all)) return 'the connection was refused (is the server running?)'
    if (/ENOTFOUND|EAI_AGAIN/.test(all)) return 'its address could not be found'
    if (/ETIMEDOUT|UND_ERR_CONNECT_TIMEOUT|timed out/i.test(all)) return 'the connection timed out'
    if (/ECONNRESET|EPIPE|socket hang up|UND_ERR_SOCKET/.test(all)) return 'the connection was reset'
    if (/ENETUNREACH|EHOSTUNREACH|ENETDOWN/.test(all)) return 'the network is unreachable'
    if (/CERT|certificate|self[- ]signed/i.test(all)) return 'its security certificate was not accepted'
  }
  for (const e of chain) {
    const message = e instanceof Error ? e.message : ''
    if (/fetch failed|Cannot connect to API|network/i.test(message)) return 'the network request failed'
  }
  return undefined
}

function hostOf(url: string | undefined): string | undefined {
  if (!url) return undefined
  try {
    return new URL(url).host
  } catch {
    return undefined
  }
}

function providerMessage(e: APICallError): string {
  const data = e.data as { error?: { message?: unknown } | string; message?: unknown } | undefined
  const fromData =
    typeof data?.error === 'object' && data.error && typeof data.error.message === 'string'
      ? data.error.message
      : typeof data?.error === 'string'
        ? data.error
        : typeof data?.message === 'string'
          ? data.message
          : undefined
  if (fromData) return fromData
  if (e.responseBody) {
    try {
      const parsed = JSON.parse(e.responseBody) as { error?: { message?: string } | string; message?: string }
      if (typeof parsed.error === 'object' && parsed.error?.message) return parsed.error.message
      if (typeof parsed.error === 'string') return parsed.error
      if (typeof parsed.message === 'string') return parsed.message
    } catch {
      // not JSON
    }
  }
  return e.message ?? ''
}

function providerCode(e: APICallError): string {
  const data = e.data as { error?: { code?: unknown; type?: unknown } } | undefined
  return [data?.error?.code, data?.error?.type].filter((x) => typeof x === 'string').join(' ')
}

function modelOf(e: APICallError): string | undefined {
  const body = e.requestBodyValues as { model?: unknown } | undefined
  return typeof body?.model === 'string' ? body.model : undefined
}

/** Seconds to wait, from `retry-after-ms`, `retry-after` (seconds or HTTP date) or x-ratelimit-reset-*. */
export function retryAfterSeconds(headers: Record<string, string> | undefined, now = Date.now()): number | undefined {
  if (!headers) return undefined
  const h: Record<string, string> = {}
  for (const [k, v] of Object.entries(headers)) h[k.toLowerCase()] = v
  const ms = h['retry-after-ms']
  if (ms !== undefined && ms.trim() !== '' && !Number.isNaN(Number(ms))) return Math.max(0, Math.ceil(Number(ms) / 1000))
  const ra = h['retry-after']
  if (ra !== undefined && ra.trim() !== '') {
    if (!Number.isNaN(Number(ra))) return Math.max(0, Math.ceil(Number(ra)))
    const at = Date.parse(ra)
    if (!Number.isNaN(at)) return Math.max(0, Math.ceil((at - now) / 1000))
  }
  for (const key of ['x-ratelimit-reset-requests', 'x-ratelimit-reset-tokens']) {
    const value = h[key]
    if (!value) continue
    const seconds = parseDuration(value)
    if (seconds !== undefined) return seconds
  }
  return undefined
}

/** "6m0s", "20s", "1.5s", "250ms" → whole seconds (rounded up). */
function parseDuration(value: string): number | undefined {
  const re = /(\d+(?:\.\d+)?)(ms|h|m|s)/g
  let total = 0
  let matched = false
  for (const m of value.matchAll(re)) {
    matched = true
    const n = Number(m[1])
    total += m[2] === 'h' ? n * 3600 : m[2] === 'm' ? n * 60 : m[2] === 's' ? n : n / 1000
  }
  return matched ? Math.ceil(total) : undefined
}

function formatWait(seconds: number): string {
  if (seconds < 60) return `${seconds} second${seconds === 1 ? '' : 's'}`
  const minutes = Math.ceil(seconds / 60)
  return `${minutes} minute${minutes === 1 ? '' : 's'}`
}

function oneLine(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim()
  return line.length > 240 ? `${line.slice(0, 237)}…` : line
}

/** Removes anything that looks like an API key or bearer token. */
export function scrub(message: string, apiKey?: string): string {
  let out = message
  if (apiKey && apiKey.length >= 4) out = out.split(apiKey).join('[key hidden]')
  return out
    .replace(/\b(sk|pk|rk|sess)-[A-Za-z0-9_*\-]{6,}/g, '[key hidden]')
    .replace(/\bBearer\s+[A-Za-z0-9._~+/=\-]+/gi, 'Bearer [hidden]')
    .replace(/\b(?=[A-Za-z0-9_\-]*\d)(?=[A-Za-z0-9_\-]*[A-Za-z])[A-Za-z0-9_\-]{32,}\b/g, '[hidden]')
}
