// The preload: one function per contract message, nothing else. It never exposes ipcRenderer,
// a generic invoke/send, or Node. Only types come from the contract, so the sandboxed preload
// bundle needs nothing at runtime but `electron`.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron'
import type { CountersignApi, Envelope, EventName, RequestName } from '../shared/contract'
import { EVENT_NAME_LIST, REQUEST_NAME_LIST } from '../shared/message-names'


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
  REQUEST_NAME_LIST.map((name) => [name, request(name)])
) as unknown as CountersignApi['requests']

const events = Object.fromEntries(
  EVENT_NAME_LIST.map((name) => [name, subscribe(name)])
) as unknown as CountersignApi['events']

const countersign: CountersignApi = Object.freeze({
  requests: Object.freeze(requests),
  events: Object.freeze(events)
})

contextBridge.exposeInMainWorld('countersign', countersign)
