// Language-model middleware (the AI SDK's wrapLanguageModel) that every resolved model gets, so the
// assistant loop needs to know nothing about it:
// - an idle timeout: a stream that sends nothing for too long is ended with StreamIdleTimeoutError
//   (and its HTTP request aborted), which describeProviderError explains with Retry;
// - call defaults from the profile: generation settings, and for OpenAI's Responses API
//   `store: false` unless the user turned storage on (so the whole history is sent each time and
//   nothing depends on OpenAI keeping earlier responses).
import type { LanguageModelMiddleware } from 'ai'
import type { LanguageModelV4CallOptions, LanguageModelV4StreamPart } from '@ai-sdk/provider'
import type { GenerationSettings } from '../../shared/domain'
import { StreamIdleTimeoutError } from './errors'

/** Ends a stream (and aborts its request) when no part arrives for `idleMs`, including before the response starts. */
export function idleTimeoutMiddleware(idleMs: number): LanguageModelMiddleware {
  return {
    wrapStream: async ({ params, model }) => {
      const inner = new AbortController()
      const outer = params.abortSignal
      const forward = () => inner.abort(outer?.reason)
      if (outer?.aborted) forward()
      else outer?.addEventListener('abort', forward, { once: true })
      const detach = () => outer?.removeEventListener('abort', forward)

      const timeout = () => new StreamIdleTimeoutError(Math.max(1, Math.round(idleMs / 1000)))
      // Waiting for the response headers counts as idle too.
      let timer: ReturnType<typeof setTimeout> | undefined
      const started = await Promise.race([
        Promise.resolve(model.doStream({ ...params, abortSignal: inner.signal })),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => {
            reject(timeout())
            inner.abort(timeout())
          }, idleMs)
        })
      ]).catch((error: unknown) => {
        detach()
        throw error
      }).finally(() => clearTimeout(timer))

      const reader = started.stream.getReader()
      const stream = new ReadableStream<LanguageModelV4StreamPart>({
        async pull(controller) {
          let idle: ReturnType<typeof setTimeout> | undefined
          try {
            const next = await Promise.race([
              reader.read(),
              new Promise<'idle'>((resolve) => {
                idle = setTimeout(() => resolve('idle'), idleMs)
              })
            ])
            if (next === 'idle') {
              // Error the stream first, so the loop sees why, then drop the connection.
              controller.error(timeout())
              detach()
              inner.abort(timeout())
              reader.cancel().catch(() => undefined)
              return
            }
            if (next.done) {
              detach()
              controller.close()
            } else controller.enqueue(next.value)
          } catch (error) {
            detach()
            controller.error(error)
          } finally {
            clearTimeout(idle)
          }
        },
        cancel(reason) {
          detach()
          return reader.cancel(reason)
        }
      })
      return { ...started, stream }
    }
  }
}

export interface CallDefaults {
  generation?: GenerationSettings
  /** OpenAI Responses only: undefined leaves the field alone (other APIs). */
  openaiStore?: boolean
}

/** Fills in what the caller left unset: the profile's generation settings and OpenAI's `store`. */
export function callDefaultsMiddleware(defaults: CallDefaults): LanguageModelMiddleware {
  return {
    transformParams: async ({ params }) => {
      const g = defaults.generation ?? {}
      const next: LanguageModelV4CallOptions = { ...params }
      if (next.temperature === undefined && g.temperature !== undefined) next.temperature = g.temperature
      if (next.maxOutputTokens === undefined && g.maxOutputTokens !== undefined) next.maxOutputTokens = g.maxOutputTokens
      if (next.reasoning === undefined && g.reasoningEffort !== undefined) next.reasoning = g.reasoningEffort
      if (defaults.openaiStore !== undefined) {
        const openai = (params.providerOptions?.openai ?? {}) as Record<string, unknown>
        if (openai.store === undefined) {
          next.providerOptions = { ...params.providerOptions, openai: { ...openai, store: defaults.openaiStore } } as LanguageModelV4CallOptions['providerOptions']
        }
      }
      return next
    }
  }
}
