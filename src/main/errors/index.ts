// Every error a service throws on purpose, in one module below the services, so the transports
// (ipc/) can turn them into user-facing envelopes without importing any service. Each carries a
// `code` the UI can act on and a message written for the person reading it.
import type { ActionState } from '../../shared/domain'

/** A refused or impossible request from the user, with a code the UI can act on. */
export class AssistantError extends Error {
  constructor(
    readonly code: 'busy' | 'waiting' | 'not_signed_in' | 'not_allowed' | 'not_found' | 'wrong_user' | 'invalid_input',
    message: string
  ) {
    super(message)
    this.name = 'AssistantError'
  }
}

export class DecisionRefusedError extends Error {
  constructor(
    readonly code: 'not_found' | 'hash_mismatch' | 'not_pending' | 'expired' | 'wrong_user' | 'not_allowed',
    message: string
  ) {
    super(message)
    this.name = 'DecisionRefusedError'
  }
}

/** A move the action lifecycle does not allow; a bug or a race, never shown in these words. */
export class IllegalTransitionError extends Error {
  constructor(
    readonly from: ActionState,
    readonly to: ActionState
  ) {
    super(`An action cannot go from ${from} to ${to}`)
    this.name = 'IllegalTransitionError'
  }
}

export class SessionUnavailableError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'SessionUnavailableError'
  }
}

export type CrmErrorCode =
  | 'auth' // wrong login or password
  | 'session_expired'
  | 'permission' // the CRM refused: this user may not do this
  | 'not_found'
  | 'conflict' // the record changed since the proposal
  | 'unavailable' // server down or unreachable
  | 'rate_limited'
  | 'invalid' // the CRM rejected the data
  | 'keychain' // the OS keychain is missing, locked or refused

export class CrmError extends Error {
  constructor(
    readonly code: CrmErrorCode,
    message: string,
    readonly retryAfterSeconds?: number
  ) {
    super(message)
    this.name = 'CrmError'
  }
}

export class KeychainError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'KeychainError'
  }
}

/** Thrown when no request may be sent: no provider chosen, or no consent on record for it. */
export class ProviderNotReadyError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'ProviderNotReadyError'
  }
}

/** A page cursor that no longer fits the list (it was forged, or the sort changed). */
export class InboxCursorError extends Error {
  readonly code = 'invalid_cursor'
  constructor() {
    super('The inbox changed its order; reload the list.')
    this.name = 'InboxCursorError'
  }
}

/** A conversation request refused: not theirs, a title that cannot be shown, or actions still in play. */
export class ConversationRefusedError extends Error {
  constructor(
    readonly code: 'not_found' | 'invalid_title' | 'in_play',
    message: string
  ) {
    super(message)
    this.name = 'ConversationRefusedError'
  }
}

/** A store file that parsed as JSON but not as what it should hold. */
export class StoreShapeError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'StoreShapeError'
  }
}

/** The message to show a person for an error a service threw on purpose; null for anything else. */
export function userMessage(error: unknown): string | null {
  if (
    error instanceof AssistantError ||
    error instanceof DecisionRefusedError ||
    error instanceof SessionUnavailableError ||
    error instanceof CrmError ||
    error instanceof KeychainError ||
    error instanceof ProviderNotReadyError ||
    error instanceof InboxCursorError ||
    error instanceof ConversationRefusedError
  ) {
    return error.message
  }
  if (error instanceof IllegalTransitionError) return stateMessage(error.from)
  return null
}

/** Said when an action has moved on before a request about it arrived (a double click, two windows). */
export function stateMessage(state: ActionState): string {
  const words: Record<ActionState, string> = {
    proposed: 'is still being prepared',
    pending: 'is waiting for your decision',
    approved: 'was approved and is about to run',
    executing: 'is running now',
    succeeded: 'has already run',
    failed: 'has already failed',
    outcome_unknown: 'has an outcome that is not known yet',
    declined: 'was declined',
    expired: 'has expired',
    superseded: 'was replaced by a newer card',
    cancelled: 'was cancelled'
  }
  return `Nothing was done: this action ${words[state]}.`
}
