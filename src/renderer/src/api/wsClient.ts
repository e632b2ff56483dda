// The browser implementation of the preload API, for the headless host: the same
// CountersignApi, carried over the loopback WebSocket protocol in src/shared/wire.ts.
import type { CountersignApi, EventName, RequestName } from '../../../shared/contract'
import type { ClientMessage, ServerMessage } from '../../../shared/wire'
import type { ConnectionMonitor, ConnectionStatus } from './connection'
import { ApiError } from './errors'
import { EVENT_NAMES, REQUEST_NAMES } from './names'

type SocketLike = {
  readyState: number
  send(data: string): void
  close(): void
  onopen: ((ev: unknown) => void) | null
  onclose: ((ev: unknown) => void) | null
  onerror: ((ev: unknown) => void) | null
  onmessage: ((ev: { data: unknown }) => void) | null
}

export type WsClientOptions = {
  url: string
  createSocket?: (url: string) => SocketLike
  /** Backoff between reconnect attempts: starts at `minDelayMs`, doubles, capped at `maxDelayMs`. */
  minDelayMs?: number
  maxDelayMs?: number
}

const OPEN = 1

type Pending = { resolve: (value: unknown) => void; reject: (error: Error) => void }

export type WsClient = { api: CountersignApi; connection: ConnectionMonitor; close(): void }

export function createWsClient(options: WsClientOptions): WsClient {
  const createSocket = options.createSocket ?? ((url: string) => new WebSocket(url) as unknown as SocketLike)
  const minDelay = options.minDelayMs ?? 250
  const maxDelay = options.maxDelayMs ?? 5000

  let socket: SocketLike | null = null
  let status: ConnectionStatus = 'connecting'
  let nextId = 1
  let attempt = 0
  let closedByUs = false
  let retryTimer: ReturnType<typeof setTimeout> | null = null
  /** Requests waiting for the socket to open. */
  const queue: Array<{ message: ClientMessage; pending: Pending }> = []
  /** Requests sent and awaiting their response. */
  const inFlight = new Map<number, Pending>()
  const listeners = new Map<string, Set<(payload: unknown) => void>>()
  const statusListeners = new Set<(status: ConnectionStatus) => void>()

  function setStatus(next: ConnectionStatus): void {
    if (status === next) return
    status = next
    for (const listener of [...statusListeners]) listener(next)
  }

  function connect(): void {
    retryTimer = null
    let s: SocketLike
    try {
      s = createSocket(options.url)
    } catch {
      scheduleReconnect()
      return
    }
    socket = s
    s.onopen = () => {
      if (socket !== s) return
      attempt = 0
      setStatus('open')
      while (queue.length > 0 && s.readyState === OPEN) {
        const item = queue.shift()!
        inFlight.set(item.message.id, item.pending)
        s.send(JSON.stringify(item.message))
      }
    }
    s.onmessage = (ev) => {
      if (socket !== s) return
      handleMessage(ev.data)
    }
    s.onerror = () => {
      // A close event always follows; reconnecting happens there.
    }
    s.onclose = () => {
      if (socket !== s) return
      socket = null
      // Responses to requests already sent are lost with the socket: they fail, and the
      // state is refetched once connected again. Requests not yet sent keep waiting.
      for (const [id, pending] of inFlight) {
        inFlight.delete(id)
        pending.reject(new ApiError('disconnected', 'Disconnected from Countersign before it answered. Please try again.'))
      }
      if (closedByUs) return
      setStatus('closed')
      scheduleReconnect()
    }
  }

  function scheduleReconnect(): void {
    if (closedByUs || retryTimer) return
    const delay = Math.min(maxDelay, minDelay * 2 ** attempt)
    attempt = Math.min(attempt + 1, 16)
    retryTimer = setTimeout(connect, delay)
  }

  function handleMessage(data: unknown): void {
    if (typeof data !== 'string') return
    let message: ServerMessage
    try {
      message = JSON.parse(data) as ServerMessage
    } catch {
      return
    }
    if (!message || typeof message !== 'object') return
    if (message.type === 'response') {
      const pending = inFlight.get(message.id)
      if (!pending) return
      inFlight.delete(message.id)
      const envelope = message.envelope
      if (envelope && envelope.ok === true) pending.resolve(envelope.value)
      else if (envelope && envelope.ok === false) pending.reject(new ApiError(String(envelope.error.code), String(envelope.error.message)))
      else pending.reject(new ApiError('internal', 'Malformed answer from Countersign.'))
    } else if (message.type === 'event') {
      const set = listeners.get(message.name)
      if (!set) return
      for (const listener of [...set]) {
        try {
          listener(message.payload)
        } catch (error) {
          console.error(`Listener for ${message.name} failed`, error)
        }
      }
    }
  }

  function call(name: RequestName, input: unknown): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const message: ClientMessage = { type: 'request', id: nextId++, name, input: input ?? {} }
      const pending: Pending = { resolve, reject }
      if (closedByUs) {
        reject(new ApiError('closed', 'The connection to Countersign is closed.'))
      } else if (socket && socket.readyState === OPEN) {
        inFlight.set(message.id, pending)
        socket.send(JSON.stringify(message))
      } else {
        queue.push({ message, pending })
      }
    })
  }

  function subscribe(name: EventName, listener: (payload: unknown) => void): () => void {
    let set = listeners.get(name)
    if (!set) listeners.set(name, (set = new Set()))
    set.add(listener)
    return () => {
      set!.delete(listener)
    }
  }

  const requests = Object.fromEntries(
    REQUEST_NAMES.map((name) => [name, (input: unknown) => call(name, input)])
  ) as unknown as CountersignApi['requests']
  const events = Object.fromEntries(
    EVENT_NAMES.map((name) => [name, (listener: (payload: unknown) => void) => subscribe(name, listener)])
  ) as unknown as CountersignApi['events']

  connect()

  return {
    api: { requests, events },
    connection: {
      get status() {
        return status
      },
      subscribe(listener) {
        statusListeners.add(listener)
        return () => {
          statusListeners.delete(listener)
        }
      }
    },
    close() {
      closedByUs = true
      if (retryTimer) clearTimeout(retryTimer)
      socket?.close()
      for (const item of queue.splice(0)) item.pending.reject(new ApiError('closed', 'The connection to Countersign is closed.'))
    }
  }
}

/** ws://<this page's host>/ipc?token=<token from this page's URL>. */
export function headlessSocketUrl(location: { host: string; search: string }): string {
  const token = new URLSearchParams(location.search).get('token') ?? ''
  return `ws://${location.host}/ipc?token=${encodeURIComponent(token)}`
}
