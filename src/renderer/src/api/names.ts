import type { EventName, RequestName } from '../../../shared/contract'

// Every request and event of the contract, written out so that one missing here fails to
// compile. Type-only import: the renderer does not need zod's schemas at runtime.
const REQUESTS = {
  'app.getState': true,
  'conversations.list': true,
  'conversations.get': true,
  'conversations.create': true,
  'conversations.send': true,
  'conversations.stop': true,
  'conversations.retry': true,
  'actions.inbox': true,
  'actions.forConversation': true,
  'actions.decide': true,
  'actions.settle': true,
  'settings.get': true,
  'settings.setConfirmation': true,
  'settings.setExpiryHours': true,
  'accounts.signIn': true,
  'accounts.switch': true,
  'accounts.signOut': true,
  'providers.get': true,
  'providers.prepare': true,
  'providers.consent': true,
  'providers.withdrawConsent': true,
  'providers.useDemo': true
} as const satisfies Record<RequestName, true>

const EVENTS = {
  'conversation.changed': true,
  'conversation.entry': true,
  'action.changed': true,
  'app.changed': true,
  'ui.focusAction': true,
  'accounts.changed': true
} as const satisfies Record<EventName, true>

export const REQUEST_NAMES = Object.keys(REQUESTS) as RequestName[]
export const EVENT_NAMES = Object.keys(EVENTS) as EventName[]
