// One entry point for every request, whatever the transport (Electron IPC or the headless
// host's WebSocket): the caller's sender is checked by the transport, then here the request
// name and payload are checked against the contract before any handler runs.
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
  if (!parsed.success) {
    const detail = parsed.error.issues.map((i) => `${i.path.join('.') || 'input'}: ${i.message}`).join('; ')
    return failure('invalid_input', `Invalid request ${name}: ${detail}`)
  }
  try {
    const handler = handlers[name] as (input: unknown) => Promise<unknown>
    const value = await handler(parsed.data)
    return { ok: true, value: requests[name].output.parse(value) }
  } catch (error) {
    return toFailure(error, log)
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
