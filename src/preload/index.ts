// The preload: one function per contract message, nothing else. It never exposes ipcRenderer,
// a generic invoke/send, or Node. Only types come from the contract, so the sandboxed preload
// bundle needs nothing at runtime but `electron`.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron'
import type { CountersignApi, Envelope, EventName, RequestName } from '../shared/contract'

// Written out so that a request or event missing here fails to compile (`satisfies` checks
// both missing and extra keys against the contract).
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

/** An Error carrying the contract's error code. (contextBridge copies only the message of an
 *  Error across worlds, so the renderer must not rely on `code` arriving.) */
class CountersignError extends Error {
  readonly code: string
  constructor(code: string, message: string) {
    super(message)
    this.name = 'CountersignError'
    this.code = code
  }
}

function request(name: RequestName) {
  return async (input: unknown): Promise<unknown> => {
    const envelope = (await ipcRenderer.invoke(name, input)) as Envelope<unknown>
    if (envelope && envelope.ok === true) return envelope.value
    const error = envelope && envelope.ok === false ? envelope.error : { code: 'internal', message: 'No answer from Countersign.' }
    throw new CountersignError(String(error.code), String(error.message))
  }
}

function subscribe(name: EventName) {
  const channel = `event:${name}`
  return (listener: (payload: unknown) => void): (() => void) => {
    // The listener gets only the payload, never the IpcRendererEvent.
    const handler = (_event: IpcRendererEvent, payload: unknown): void => listener(payload)
    ipcRenderer.on(channel, handler)
    return () => {
      ipcRenderer.removeListener(channel, handler)
    }
  }
}

const requests = Object.fromEntries(
  (Object.keys(REQUESTS) as RequestName[]).map((name) => [name, request(name)])
) as unknown as CountersignApi['requests']

const events = Object.fromEntries(
  (Object.keys(EVENTS) as EventName[]).map((name) => [name, subscribe(name)])
) as unknown as CountersignApi['events']

const countersign: CountersignApi = Object.freeze({
  requests: Object.freeze(requests),
  events: Object.freeze(events)
})

contextBridge.exposeInMainWorld('countersign', countersign)
