// One entry point for every request, whatever the transport (Electron IPC or the headless
// host's WebSocket): the caller's sender is checked by the transport, then here the request
// name and payload are checked against the contract before any handler runs.
import type { z } from 'zod'
import { requests, type Envelope, type RequestInput, type RequestName, type RequestOutput } from '../../shared/contract'
import {
  AssistantError,
  ConversationRefusedError,
  CrmError,
  DecisionRefusedError,
  IllegalTransitionError,
  InboxCursorError,
  KeychainError,
  ProviderNotReadyError,
  SessionUnavailableError,
  stateMessage
} from '../errors'
/** One handler per request; a missing one is a compile error. */
export type Handlers = { [K in RequestName]: (input: RequestInput<K>) => Promise<RequestOutput<K>> }

export function isRequestName(name: unknown): name is RequestName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(requests, name)
}

/** Where details of unexpected errors go (a local log file in the app); never to the renderer. */
export type ErrorLog = (message: string, error: unknown) => void

export async function dispatch(handlers: Handlers, name: unknown, rawInput: unknown, log?: ErrorLog): Promise<Envelope<unknown>> {
  if (!isRequestName(name)) return failure('unknown_request', 'Unknown request.')
  const parsed = requests[name].input.safeParse(rawInput ?? {})
  if (!parsed.success) return failure('invalid_input', `That was not done: ${parsed.error.issues.map(inWords).join(' ')}`)
  try {
    const handler = handlers[name] as (input: unknown) => Promise<unknown>
    const value = await handler(parsed.data)
    return { ok: true, value: requests[name].output.parse(value) }
  } catch (error) {
    return toFailure(error, log)
  }
}

/** One validation problem in words a person can act on; messages written for people are kept. */
function inWords(issue: z.core.$ZodIssue): string {
  const field = String(issue.path.at(-1) ?? 'the request').replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase()
  const i = issue as z.core.$ZodIssue & { maximum?: number | bigint; minimum?: number | bigint; origin?: string }
  if (/^[A-Z].*[.!?]$/.test(issue.message) && !/^(Too|Invalid|Expected|Unrecognized)/.test(issue.message)) return issue.message
  switch (issue.code) {
    case 'too_big':
      return i.origin === 'string' ? `The ${field} is too long (at most ${i.maximum} characters).` : `The ${field} must be at most ${i.maximum}.`
    case 'too_small':
      return i.origin === 'string' ? (Number(i.minimum) <= 1 ? `The ${field} cannot be empty.` : `The ${field} is too short.`) : `The ${field} must be at least ${i.minimum}.`
    case 'invalid_type':
      return `The ${field} is missing or not the right kind of value.`
    case 'unrecognized_keys':
      return 'The request holds fields Countersign does not know.'
    default:
      return `The ${field} is not valid.`
  }
}

function failure(code: string, message: string): Envelope<never> {
  return { ok: false, error: { code, message } }
}

/**
 * Errors users should see keep their message; anything unexpected is reported in plain words with
 * a code, and its details (paths, stack, TypeError text) go to the local log, never the screen.
 */
export function toFailure(error: unknown, log?: ErrorLog): Envelope<never> {
  if (error instanceof DecisionRefusedError) return failure(`decision_${error.code}`, error.message)
  if (error instanceof AssistantError) return failure(error.code, error.message)
  if (error instanceof CrmError) return failure(`crm_${error.code}`, error.message)
  if (error instanceof KeychainError) return failure('keychain', error.message)
  if (error instanceof ProviderNotReadyError) return failure('provider_not_ready', error.message)
  if (error instanceof InboxCursorError) return failure(error.code, error.message)
  if (error instanceof ConversationRefusedError) return failure(`conversation_${error.code}`, error.message)
  if (error instanceof SessionUnavailableError) return failure('not_signed_in', error.message)
  // A race lost to another click or window: say what the action is now, not how the code saw it.
  if (error instanceof IllegalTransitionError) return failure('illegal_transition', stateMessage(error.from))
  if (log) log('unexpected error in a request', error)
  else console.error('[ipc] unexpected error', error instanceof Error ? error.stack : error)
  return failure('internal', 'Something unexpected went wrong in Countersign, and your request was not completed. The details are in the local log.')
}
