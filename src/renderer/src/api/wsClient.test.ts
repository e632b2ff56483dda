import { afterEach, describe, expect, it, vi } from 'vitest'
import { createWsClient, headlessSocketUrl } from './wsClient'

class FakeSocket {
  static all: FakeSocket[] = []
  readyState = 0
  sent: unknown[] = []
  onopen: ((ev: unknown) => void) | null = null
  onclose: ((ev: unknown) => void) | null = null
  onerror: ((ev: unknown) => void) | null = null
  onmessage: ((ev: { data: unknown }) => void) | null = null
  constructor(readonly url: string) {
    FakeSocket.all.push(this)
  }
  send(data: string) {
    this.sent.push(JSON.parse(data))
  }
  close() {
    this.readyState = 3
    this.onclose?.({})
  }
  open() {
    this.readyState = 1
    this.onopen?.({})
  }
  receive(message: unknown) {
    this.onmessage?.({ data: JSON.stringify(message) })
  }
}

afterEach(() => {
  FakeSocket.all = []
  vi.useRealTimers()
})

const make = () => createWsClient({ url: 'ws://127.0.0.1:9/ipc?token=t', createSocket: (url) => new FakeSocket(url), minDelayMs: 100, maxDelayMs: 400 })

describe('headless WebSocket client', () => {
  it('builds the socket URL from the page', () => {
    expect(headlessSocketUrl({ host: '127.0.0.1:4321', search: '?token=abc123' })).toBe('ws://127.0.0.1:4321/ipc?token=abc123')
  })

  it('queues requests until open, then unwraps envelopes', async () => {
    const client = make()
    const socket = FakeSocket.all[0]
    const pending = client.api.requests['conversations.list']({})
    expect(socket.sent).toEqual([])
    socket.open()
    expect(socket.sent).toEqual([{ type: 'request', id: 1, name: 'conversations.list', input: {} }])
    socket.receive({ type: 'response', id: 1, envelope: { ok: true, value: [] } })
    await expect(pending).resolves.toEqual([])
  })

  it('throws an Error with message and code for an error envelope', async () => {
    const client = make()
    const socket = FakeSocket.all[0]
    socket.open()
    const pending = client.api.requests['actions.decide']({ actionId: 'a', hash: 'f'.repeat(64), decision: 'approve' })
    socket.receive({ type: 'response', id: 1, envelope: { ok: false, error: { code: 'hash_mismatch', message: 'This card changed.' } } })
    const error = await pending.catch((e: unknown) => e)
    expect(error).toBeInstanceOf(Error)
    expect((error as Error).message).toBe('This card changed.')
    expect((error as { code: string }).code).toBe('hash_mismatch')
  })

  it('delivers events to subscribers only until they unsubscribe', () => {
    const client = make()
    const socket = FakeSocket.all[0]
    socket.open()
    const seen: unknown[] = []
    const off = client.api.events['ui.focusAction']((payload) => seen.push(payload))
    socket.receive({ type: 'event', name: 'ui.focusAction', payload: { actionId: 'a', conversationId: 'c' } })
    off()
    socket.receive({ type: 'event', name: 'ui.focusAction', payload: { actionId: 'b', conversationId: 'c' } })
    expect(seen).toEqual([{ actionId: 'a', conversationId: 'c' }])
  })

  it('on close: fails in-flight requests, reports the status and reconnects with bounded backoff', async () => {
    vi.useFakeTimers()
    const client = make()
    const statuses: string[] = []
    client.connection.subscribe((s) => statuses.push(s))
    FakeSocket.all[0].open()
    const inFlight = client.api.requests['app.getState']({})
    FakeSocket.all[0].close()
    await expect(inFlight).rejects.toThrow(/Disconnected/)
    expect(client.connection.status).toBe('closed')
    const queued = client.api.requests['conversations.list']({})
    vi.advanceTimersByTime(100)
    expect(FakeSocket.all).toHaveLength(2)
    FakeSocket.all[1].close()
    vi.advanceTimersByTime(199)
    expect(FakeSocket.all).toHaveLength(2)
    vi.advanceTimersByTime(1)
    expect(FakeSocket.all).toHaveLength(3)
    FakeSocket.all[2].close()
    vi.advanceTimersByTime(400)
    expect(FakeSocket.all).toHaveLength(4)
    FakeSocket.all[3].close()
    vi.advanceTimersByTime(400) // capped at maxDelayMs
    expect(FakeSocket.all).toHaveLength(5)
    FakeSocket.all[4].open()
    expect(statuses).toEqual(['open', 'closed', 'open'])
    expect(FakeSocket.all[4].sent).toEqual([{ type: 'request', id: 2, name: 'conversations.list', input: {} }])
    FakeSocket.all[4].receive({ type: 'response', id: 2, envelope: { ok: true, value: [] } })
    await expect(queued).resolves.toEqual([])
    client.close()
  })
})
