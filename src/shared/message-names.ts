// Every request and event of the contract by name, written out so that one missing or extra here
// fails to compile. Only types come from the contract, so the sandboxed preload and the renderer
// can list the messages without loading zod's schemas at runtime.
import type { EventName, RequestName } from './contract'

const REQUESTS = {
  'app.getState': true,
  'app.openExternal': true,
  'conversations.list': true,
  'conversations.get': true,
  'conversations.create': true,
  'conversations.send': true,
  'conversations.stop': true,
  'conversations.retry': true,
  'conversations.keepStopped': true,
  'conversations.rename': true,
  'conversations.delete': true,
  'conversations.search': true,
  'actions.inbox': true,
  'actions.inboxPage': true,
  'actions.forConversation': true,
  'actions.decide': true,
  'actions.settle': true,
  'actions.askAgain': true,
  'actions.edit': true,
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
  'providers.useDemo': true,
  'providers.cancel': true,
  'providers.select': true,
  'providers.deleteProfile': true,
  'providers.listModels': true,
  'providers.testConnection': true,
  'providers.conversationProfile': true,
  'providers.setConversationProfile': true,
  'admin.getPolicy': true,
  'admin.savePolicy': true,
  'activity.list': true,
  'activity.verify': true,
  'activity.export': true,
  'activity.settings': true,
  'activity.setPrice': true,
  'activity.removePrice': true,
  'activity.setRetentionDays': true
} as const satisfies Record<RequestName, true>

const EVENTS = {
  'conversation.changed': true,
  'conversation.entry': true,
  'conversation.entryRemoved': true,
  'conversation.removed': true,
  'action.changed': true,
  'app.changed': true,
  'ui.focusAction': true,
  'ui.showInbox': true
} as const satisfies Record<EventName, true>

export const REQUEST_NAME_LIST = Object.keys(REQUESTS) as RequestName[]
export const EVENT_NAME_LIST = Object.keys(EVENTS) as EventName[]
