// A Node client for the headless host's WebSocket, speaking the same contract as the renderer.
// Used by the crash tests and by e2e specs that forge requests a real window would not send.
import WebSocket from 'ws'
import type { EventName, EventPayload, RequestInput, RequestName, RequestOutput } from '../../src/shared/contract'

export class HostClient {
  private nextId = 1
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>()
  private readonly listeners = new Set<(name: EventName, payload: unknown) => void>()

  private constructor(private readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const message = JSON.parse(data.toString())
      if (message.type === 'response') {
        const waiter = this.pending.get(message.id)
        this.pending.delete(message.id)
        if (message.envelope.ok) waiter?.resolve(message.envelope.value)
        else waiter?.reject(Object.assign(new Error(message.envelope.error.message), { code: message.envelope.error.code }))
      } else if (message.type === 'event') {
        for (const l of this.listeners) l(message.name, message.payload)
      }
    })
    ws.on('close', () => {
      for (const w of this.pending.values()) w.reject(new Error('connection closed'))
      this.pending.clear()
    })
  }

  static connect(port: number, token: string, origin = `http://127.0.0.1:${port}`): Promise<HostClient> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(`ws://127.0.0.1:${port}/ipc?token=${encodeURIComponent(token)}`, { headers: { Origin: origin } })
      ws.once('open', () => resolve(new HostClient(ws)))
      ws.once('error', reject)
      ws.once('unexpected-response', (_req, res) => reject(new Error(`refused with HTTP ${res.statusCode}`)))
    })
  }

  request<K extends RequestName>(name: K, input: RequestInput<K>): Promise<RequestOutput<K>> {
    const id = this.nextId++
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject })
      this.ws.send(JSON.stringify({ type: 'request', id, name, input }))
    })
  }

  on<K extends EventName>(name: K, listener: (payload: EventPayload<K>) => void): () => void {
    const wrapped = (n: EventName, p: unknown) => n === name && listener(p as EventPayload<K>)
    this.listeners.add(wrapped)
    return () => this.listeners.delete(wrapped)
  }

  /** Polls `check` until it returns a value, for at most `ms`. */
  async waitFor<T>(check: () => Promise<T | undefined | null | false>, ms = 15_000): Promise<T> {
    const until = Date.now() + ms
    while (Date.now() < until) {
      const value = await check()
      if (value) return value
      await new Promise((r) => setTimeout(r, 50))
    }
    throw new Error('timed out waiting')
  }

  close(): void {
    this.ws.terminate()
  }
}
