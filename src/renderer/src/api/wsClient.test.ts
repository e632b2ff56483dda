import { afterEach, describe, expect, it, vi } from 'vitest'
import { REQUEST_FAILURES } from './connection'
import { createWsClient, headlessSocketUrl, probeToken, type WsClientOptions } from './wsClient'

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

const make = (options: Partial<WsClientOptions> = {}) =>
  createWsClient({ url: 'ws://127.0.0.1:9/ipc?token=t', createSocket: (url) => new FakeSocket(url), probe: async () => 'accepted', minDelayMs: 100, maxDelayMs: 400, ...options })

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

  it('a request made before the first connection waits for it, and fails plainly if that attempt fails', async () => {
    const client = make()
    const first = client.api.requests['app.getState']({})
    FakeSocket.all[0].close() // no host at page load
    await expect(first).rejects.toThrow(REQUEST_FAILURES.notSent)
    expect(client.connection.status).toBe('closed')
    client.close()
  })

  it('on close: fails sent requests saying they may have gone through, fails new ones at once, and reconnects with bounded backoff', async () => {
    vi.useFakeTimers()
    const probes: string[] = []
    const client = make({ probe: async (url) => (probes.push(url), 'accepted') })
    const statuses: string[] = []
    client.connection.subscribe((s) => statuses.push(s))
    FakeSocket.all[0].open()
    const inFlight = client.api.requests['app.getState']({})
    FakeSocket.all[0].close()
    await expect(inFlight).rejects.toMatchObject({ code: 'disconnected', message: REQUEST_FAILURES.dropped })
    expect(client.connection.status).toBe('closed')
    // Typed while disconnected: not kept in a queue with no host to answer it.
    await expect(client.api.requests['conversations.send']({ conversationId: 'c', text: 'hello' })).rejects.toMatchObject({ code: 'not_connected', message: REQUEST_FAILURES.notSent })

    await vi.advanceTimersByTimeAsync(99)
    expect(FakeSocket.all).toHaveLength(1)
    await vi.advanceTimersByTimeAsync(1)
    expect(probes).toEqual(['ws://127.0.0.1:9/ipc?token=t'])
    expect(FakeSocket.all).toHaveLength(2)
    FakeSocket.all[1].close()
    await vi.advanceTimersByTimeAsync(199)
    expect(FakeSocket.all).toHaveLength(2)
    await vi.advanceTimersByTimeAsync(1)
    expect(FakeSocket.all).toHaveLength(3)
    FakeSocket.all[2].close()
    await vi.advanceTimersByTimeAsync(400)
    expect(FakeSocket.all).toHaveLength(4)
    FakeSocket.all[3].close()
    await vi.advanceTimersByTimeAsync(400) // capped at maxDelayMs
    expect(FakeSocket.all).toHaveLength(5)
    FakeSocket.all[4].open()
    expect(statuses).toEqual(['open', 'closed', 'open'])
    const after = client.api.requests['conversations.list']({})
    expect(FakeSocket.all[4].sent).toEqual([{ type: 'request', id: 3, name: 'conversations.list', input: {} }])
    FakeSocket.all[4].receive({ type: 'response', id: 3, envelope: { ok: true, value: [] } })
    await expect(after).resolves.toEqual([])
    client.close()
  })

  it('a host restarted with another token: says to open its new address and stops trying', async () => {
    vi.useFakeTimers()
    let probes = 0
    const client = make({ probe: async () => (probes++, 'refused') })
    FakeSocket.all[0].open()
    FakeSocket.all[0].close()
    await vi.advanceTimersByTimeAsync(100)
    expect(client.connection.status).toBe('refused')
    await vi.advanceTimersByTimeAsync(600_000)
    expect(probes).toBe(1)
    expect(FakeSocket.all).toHaveLength(1)
    const error = await client.api.requests['conversations.send']({ conversationId: 'c', text: 'hi' }).catch((e: unknown) => e)
    expect(error).toMatchObject({ code: 'host_restarted' })
    expect((error as Error).message).toContain('Open the address it printed')
    client.close()
  })

  it('no host for longer than the bound: says to start it again, stops trying, and tries again when asked', async () => {
    vi.useFakeTimers()
    let answer: 'unreachable' | 'accepted' = 'unreachable'
    let probes = 0
    const client = make({ probe: async () => (probes++, answer), giveUpAfterMs: 10_000 })
    FakeSocket.all[0].open()
    FakeSocket.all[0].close()
    await vi.advanceTimersByTimeAsync(9_000)
    expect(client.connection.status).toBe('closed')
    await vi.advanceTimersByTimeAsync(1_400)
    expect(client.connection.status).toBe('gone')
    const probesWhenGivenUp = probes
    expect(probesWhenGivenUp).toBeLessThanOrEqual(10_400 / 100)
    await vi.advanceTimersByTimeAsync(600_000)
    expect(probes).toBe(probesWhenGivenUp)
    const error = await client.api.requests['conversations.list']({}).catch((e: unknown) => e)
    expect(error).toMatchObject({ code: 'host_stopped', message: REQUEST_FAILURES.gone })
    expect((error as Error).message).toContain('Start it again with npm start')

    answer = 'accepted'
    client.connection.retry()
    expect(client.connection.status).toBe('closed')
    await vi.advanceTimersByTimeAsync(0)
    expect(FakeSocket.all).toHaveLength(2)
    FakeSocket.all[1].open()
    expect(client.connection.status).toBe('open')
    client.close()
  })

  it('a probe that says yes but a socket that keeps failing still gives up within the bound', async () => {
    vi.useFakeTimers()
    const client = make({ probe: async () => 'accepted', giveUpAfterMs: 5_000 })
    FakeSocket.all[0].close()
    for (let i = 0; i < 40 && client.connection.status === 'closed'; i++) {
      await vi.advanceTimersByTimeAsync(400)
      FakeSocket.all.at(-1)!.close()
    }
    expect(client.connection.status).toBe('gone')
    client.close()
  })
})

describe('probeToken', () => {
  afterEach(() => {
    vi.unstubAllGlobals()
  })

  it.each([
    [426, 'accepted'],
    [401, 'refused'],
    [404, 'accepted']
  ])('HTTP %i from the host means %s', async (status, expected) => {
    const fetch = vi.fn(async () => new Response(null, { status }))
    vi.stubGlobal('fetch', fetch)
    expect(await probeToken('ws://127.0.0.1:9/ipc?token=abc')).toBe(expected)
    expect(fetch).toHaveBeenCalledWith('http://127.0.0.1:9/ipc?token=abc', expect.objectContaining({ cache: 'no-store' }))
  })

  it('no answer at all means no host', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => Promise.reject(new TypeError('Failed to fetch'))))
    expect(await probeToken('ws://127.0.0.1:9/ipc?token=abc')).toBe('unreachable')
  })
})
