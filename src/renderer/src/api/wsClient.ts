// The browser implementation of the preload API, for the headless host: the same
// CountersignApi, carried over the loopback WebSocket protocol in src/shared/wire.ts.
import type { CountersignApi, EventName, RequestName } from '../../../shared/contract'
import type { ClientMessage, ServerMessage } from '../../../shared/wire'
import { REQUEST_FAILURES, type ConnectionMonitor, type ConnectionStatus } from './connection'
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
  /** Asks the host whether this page's token is still accepted; see `probeToken`. */
  probe?: (url: string) => Promise<ProbeResult>
  /** Backoff between reconnect attempts: starts at `minDelayMs`, doubles, capped at `maxDelayMs`. */
  minDelayMs?: number
  maxDelayMs?: number
  /** Stop trying (status 'gone') once no host has answered for this long. */
  giveUpAfterMs?: number
}

export type ProbeResult = 'accepted' | 'refused' | 'unreachable'

const OPEN = 1

type Pending = { resolve: (value: unknown) => void; reject: (error: Error) => void }

export type WsClient = { api: CountersignApi; connection: ConnectionMonitor; close(): void }

export function createWsClient(options: WsClientOptions): WsClient {
  const createSocket = options.createSocket ?? ((url: string) => new WebSocket(url) as unknown as SocketLike)
  const probe = options.probe ?? probeToken
  const minDelay = options.minDelayMs ?? 250
  const maxDelay = options.maxDelayMs ?? 5000
  const giveUpAfter = options.giveUpAfterMs ?? 120_000

  let socket: SocketLike | null = null
  let status: ConnectionStatus = 'connecting'
  let nextId = 1
  let attempt = 0
  /** When the connection was lost (or first failed); null while open. */
  let downSince: number | null = null
  let closedByUs = false
  let retryTimer: ReturnType<typeof setTimeout> | null = null
  /** Requests made before the first connection opened. */
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

  /** Why a request cannot be sent now, or null if it can wait for the first connection. */
  function notSentError(): ApiError | null {
    if (closedByUs) return new ApiError('closed', 'The connection to Countersign is closed.')
    if (status === 'connecting') return null
    if (status === 'refused') return new ApiError('host_restarted', REQUEST_FAILURES.refused)
    if (status === 'gone') return new ApiError('host_stopped', REQUEST_FAILURES.gone)
    return new ApiError('not_connected', REQUEST_FAILURES.notSent)
  }

  function failQueued(): void {
    const error = notSentError() ?? new ApiError('not_connected', REQUEST_FAILURES.notSent)
    for (const item of queue.splice(0)) item.pending.reject(error)
  }

  function connect(): void {
    let s: SocketLike
    try {
      s = createSocket(options.url)
    } catch {
      lost()
      return
    }
    socket = s
    s.onopen = () => {
      if (socket !== s) return
      attempt = 0
      downSince = null
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
      // Responses to requests already sent are lost with the socket: the host may or may not
      // have acted, so they fail saying so; the state is refetched once connected again.
      for (const [id, pending] of inFlight) {
        inFlight.delete(id)
        pending.reject(new ApiError('disconnected', REQUEST_FAILURES.dropped))
      }
      if (closedByUs) return
      lost()
    }
  }

  /** The socket dropped or could not open: fail what waits, then look for the host again. */
  function lost(): void {
    downSince ??= Date.now()
    setStatus('closed')
    failQueued()
    tryAgainLater()
  }

  function tryAgainLater(): void {
    if (Date.now() - (downSince ?? Date.now()) >= giveUpAfter) giveUp('gone')
    else scheduleReconnect()
  }

  function giveUp(final: 'refused' | 'gone'): void {
    setStatus(final)
    failQueued()
  }

  function scheduleReconnect(delay = Math.min(maxDelay, minDelay * 2 ** attempt)): void {
    if (closedByUs || retryTimer) return
    attempt = Math.min(attempt + 1, 16)
    retryTimer = setTimeout(() => void reconnect(), delay)
  }

  // Ask first, then connect: a browser hides why an upgrade failed, and the probe says whether
  // the host is there at all and whether it still knows this page's token.
  async function reconnect(): Promise<void> {
    retryTimer = null
    if (closedByUs) return
    const result = await probe(options.url).catch((): ProbeResult => 'unreachable')
    if (closedByUs || status !== 'closed') return
    if (result === 'refused') return giveUp('refused')
    if (result === 'accepted') return connect()
    tryAgainLater()
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
      if (socket && socket.readyState === OPEN && !closedByUs) {
        inFlight.set(message.id, pending)
        socket.send(JSON.stringify(message))
        return
      }
      // Only the very first connection is waited for; otherwise a request made while
      // disconnected fails now, so nothing sits on "Sending…" with no host to answer it.
      const error = notSentError()
      if (error) reject(error)
      else queue.push({ message, pending })
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
      },
      retry() {
        if (closedByUs || (status !== 'gone' && status !== 'refused')) return
        attempt = 0
        downSince = Date.now()
        setStatus('closed')
        scheduleReconnect(0)
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

/** A plain GET of the socket's address: 426 means the token is accepted (upgrade to connect),
 *  401 that the host runs with another token; no answer at all means no host. */
export async function probeToken(socketUrl: string): Promise<ProbeResult> {
  try {
    const response = await fetch(socketUrl.replace(/^ws/, 'http'), { cache: 'no-store', credentials: 'omit' })
    return response.status === 401 ? 'refused' : 'accepted'
  } catch {
    return 'unreachable'
  }
}

/** ws://<this page's host>/ipc?token=<token from this page's URL>. */
export function headlessSocketUrl(location: { host: string; search: string }): string {
  const token = new URLSearchParams(location.search).get('token') ?? ''
  return `ws://${location.host}/ipc?token=${encodeURIComponent(token)}`
}
