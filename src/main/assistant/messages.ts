// What a person is told when something goes wrong, in their words, never ours: errors a service
// threw on purpose keep their message; anything unexpected becomes a plain sentence and its
// details go to the local log.
import { CrmError, userMessage } from '../errors'
import type { AssistantCore } from './core'

export const UNEXPECTED = 'Something unexpected went wrong in Countersign. Nothing was changed by it; the details are in the local log.'

export function explain(error: unknown, core?: Pick<AssistantCore, 'log'>): string {
  const message = userMessage(error)
  if (message !== null) return message
  core?.log('unexpected error', error)
  return UNEXPECTED
}

export function isTransient(error: CrmError): boolean {
  return error.code === 'unavailable' || error.code === 'rate_limited' || error.code === 'session_expired'
}

export function crmMessage(error: unknown, core?: Pick<AssistantCore, 'log'>): string {
  if (error instanceof CrmError) {
    switch (error.code) {
      case 'permission':
        // Connectors already say who refused ("The CRM refused: …"); do not say it twice.
        return /^the crm refused/i.test(error.message) ? error.message : `The CRM refused: ${error.message}`
      case 'rate_limited':
        return `The CRM is rate limiting requests${error.retryAfterSeconds ? ` (retry in ${error.retryAfterSeconds} s)` : ''}: ${error.message}`
      default:
        return error.message
    }
  }
  return explain(error, core)
}

export function toJsonValue(value: unknown): import('@ai-sdk/provider').JSONValue {
  return JSON.parse(JSON.stringify(value ?? null))
}
