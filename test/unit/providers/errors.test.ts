// describeProviderError on errors built the way the SDK builds them (the wire tests cover the
// same errors as they really arrive from the provider clients).
import { APICallError, NoOutputGeneratedError, NoSuchModelError, RetryError, StreamProviderError } from 'ai'
import { describe, expect, it } from 'vitest'
import { describeProviderError, isInterruptedFinish, retryAfterSeconds, scrub, StreamInterruptedError } from '../../../src/main/providers/errors'
import { ProviderNotReadyError } from '../../../src/main/providers/types'
import { KeychainError } from '../../../src/main/secrets/types'

const apiError = (statusCode: number, body: unknown, headers: Record<string, string> = {}) =>
  new APICallError({
    message: 'provider said no',
    url: 'https://api.openai.com/v1/responses',
    requestBodyValues: { model: 'gpt-5.4-mini', input: [{ role: 'user', content: 'secret customer data' }] },
    statusCode,
    responseHeaders: headers,
    responseBody: JSON.stringify(body),
    data: body,
    isRetryable: statusCode === 429 || statusCode >= 500
  })

describe('describeProviderError', () => {
  it('unwraps the SDK retry wrapper', () => {
    const wrapped = new RetryError({ message: 'Failed after 3 attempts', reason: 'maxRetriesExceeded', errors: [apiError(500, {}), apiError(401, { error: { message: 'Incorrect API key provided: sk-abc*****xyz' } })] })
    const f = describeProviderError(wrapped, { providerName: 'OpenAI' })
    expect(f).toEqual({ message: 'OpenAI did not accept the API key (HTTP 401). Check or replace the key in Settings → AI provider, then press Retry.', retryable: true })
  })

  it('tells quota from rate limit', () => {
    const quota = describeProviderError(apiError(429, { error: { message: 'You exceeded your current quota, please check your plan and billing details.', code: 'insufficient_quota' } }), { providerName: 'OpenAI' })
    expect(quota.message).toMatch(/run out of quota or credit/)
    expect(quota.retryAfterSeconds).toBeUndefined()
    const rate = describeProviderError(apiError(429, { error: { message: 'Rate limit reached' } }, { 'retry-after': '90' }), { providerName: 'OpenAI' })
    expect(rate).toMatchObject({ retryable: true, retryAfterSeconds: 90 })
    expect(rate.message).toMatch(/Try again in 2 minutes/)
  })

  it('explains Anthropic overload (529) as temporary', () => {
    const f = describeProviderError(apiError(529, { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }), { providerName: 'Anthropic' })
    expect(f.message).toMatch(/^Anthropic is overloaded right now/)
    expect(f.retryable).toBe(true)
  })

  it('explains 403 and 5xx', () => {
    expect(describeProviderError(apiError(403, { error: { message: 'Project does not have access to model' } })).message).toMatch(/refused this request with this API key \(HTTP 403\)/)
    expect(describeProviderError(apiError(503, {})).message).toMatch(/had a problem answering \(HTTP 503\)/)
    expect(describeProviderError(apiError(503, {})).retryable).toBe(true)
  })

  it('never repeats the prompt that was sent', () => {
    for (const status of [400, 401, 404, 429, 500]) {
      expect(describeProviderError(apiError(status, { error: { message: 'bad' } })).message).not.toContain('secret customer data')
    }
  })

  it('explains NoSuchModelError', () => {
    const f = describeProviderError(new NoSuchModelError({ modelId: 'gpt-9', modelType: 'languageModel' }), { providerName: 'OpenAI', modelId: 'gpt-9' })
    expect(f.message).toMatch(/OpenAI does not have the model "gpt-9"/)
  })

  it('explains a well-formed error event inside the stream', () => {
    const overloaded = new StreamProviderError({ message: 'Overloaded', type: 'overloaded_error' })
    expect(describeProviderError(overloaded, { providerName: 'Anthropic' }).message).toMatch(/overloaded right now/)
    const other = new StreamProviderError({ message: 'The server had an error', code: 'server_error', isRetryable: true })
    expect(describeProviderError(other).message).toMatch(/stopped with an error in the middle of the answer: The server had an error/)
  })

  it('explains broken streams and the loop\'s own interrupted signal', () => {
    for (const e of [new StreamInterruptedError(), new NoOutputGeneratedError()]) {
      const f = describeProviderError(e, { providerName: 'OpenAI' })
      expect(f.message).toMatch(/^OpenAI's answer arrived incomplete or garbled, so it was not used\. Your conversation and any pending actions are unchanged/)
      expect(f.retryable).toBe(true)
    }
    expect(isInterruptedFinish('interrupted')).toBe(true)
    expect(isInterruptedFinish('other', undefined)).toBe(true)
    expect(isInterruptedFinish('other', 'content_filter_extra')).toBe(false)
    expect(isInterruptedFinish('stop', 'stop')).toBe(false)
  })

  it('passes service errors through', () => {
    expect(describeProviderError(new ProviderNotReadyError('Give consent first.'))).toEqual({ message: 'Give consent first.', retryable: false })
    expect(describeProviderError(new KeychainError('Your system keychain is unavailable: locked.')).message).toBe('Your system keychain is unavailable: locked.')
  })

  it('explains a stop', () => {
    const abort = new DOMException('This operation was aborted', 'AbortError')
    expect(describeProviderError(abort).message).toMatch(/^The answer was stopped/)
  })

  it('never includes an API key, even in an unexpected message', () => {
    const key = 'sk-proj-AbCdEf0123456789AbCdEf0123456789'
    const f = describeProviderError(new Error(`weird failure for key ${key} and Bearer ${key}`), { apiKey: key })
    expect(f.message).not.toContain(key)
    expect(f.message).not.toContain('AbCdEf0123456789')
    expect(scrub('token sk-ant-api03-xyz123456 here')).toBe('token [key hidden] here')
    expect(scrub('my-own-key-value', 'my-own-key-value')).toBe('[key hidden]')
  })
})

describe('retryAfterSeconds', () => {
  const now = Date.parse('2026-11-24T09:00:00Z')
  it('reads retry-after-ms, retry-after (seconds or date) and x-ratelimit-reset', () => {
    expect(retryAfterSeconds({ 'retry-after-ms': '1500' })).toBe(2)
    expect(retryAfterSeconds({ 'Retry-After': '30' })).toBe(30)
    expect(retryAfterSeconds({ 'retry-after': 'Tue, 24 Nov 2026 09:01:00 GMT' }, now)).toBe(60)
    expect(retryAfterSeconds({ 'x-ratelimit-reset-requests': '6m0s' })).toBe(360)
    expect(retryAfterSeconds({ 'x-ratelimit-reset-tokens': '250ms' })).toBe(1)
    expect(retryAfterSeconds({})).toBeUndefined()
    expect(retryAfterSeconds(undefined)).toBeUndefined()
  })
})

describe('the loop\'s own interrupted-stream error', () => {
  it('is recognised by name, whichever class the loop uses', () => {
    class InterruptedStreamError extends Error {
      constructor() {
        super("The provider's answer was cut off before it finished.")
        this.name = 'InterruptedStreamError'
      }
    }
    expect(describeProviderError(new InterruptedStreamError()).message).toMatch(/incomplete or garbled, so it was not used/)
  })
})
