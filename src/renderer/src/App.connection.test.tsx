// The page against a headless host that goes away: the real WebSocket client (over a fake socket
// that answers like the host), the real store and the real App. What the user sees when the
// host drops, comes back, comes back with another token, or stays away.
import { act, cleanup, fireEvent, screen } from '@testing-library/react'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { CONNECTION_MESSAGES, REQUEST_FAILURES } from './api/connection'
import { createWsClient, type ProbeResult } from './api/wsClient'
import { App } from './App'
import { createAppStore } from './store'
import { bindConnection, startBridge } from './store/bridge'
import { loadAppState } from './store/thunks'
import { createFakeApi, type FakeApi } from './test/fakeApi'
import { conversation } from './test/fixtures'
import { flush, renderWithStore } from './test/render'

/** A socket to a host that answers every request through `fake`'s handlers. */
class HostSocket {
  static all: HostSocket[] = []
  readyState = 0
  onopen: ((ev: unknown) => void) | null = null
  onclose: ((ev: unknown) => void) | null = null
  onerror: ((ev: unknown) => void) | null = null
  onmessage: ((ev: { data: unknown }) => void) | null = null
  constructor(private readonly fake: FakeApi) {
    HostSocket.all.push(this)
  }
  send(data: string) {
    const { id, name, input } = JSON.parse(data) as { id: number; name: keyof FakeApi['handlers']; input: never }
    void (this.fake.handlers[name] as unknown as (i: unknown) => Promise<unknown>)(input).then(
      (value) => this.onmessage?.({ data: JSON.stringify({ type: 'response', id, envelope: { ok: true, value } }) }),
      (error: Error) => this.onmessage?.({ data: JSON.stringify({ type: 'response', id, envelope: { ok: false, error: { code: 'x', message: error.message } } }) })
    )
  }
  close() {
    this.readyState = 3
    this.onclose?.({})
  }
  open() {
    this.readyState = 1
    this.onopen?.({})
  }
}

afterEach(() => {
  cleanup()
  HostSocket.all = []
  vi.useRealTimers()
})

async function startPage(probe: () => Promise<ProbeResult>) {
  const fake = createFakeApi({ 'conversations.create': async () => conversation() })
  const client = createWsClient({ url: 'ws://127.0.0.1:9/ipc?token=t', createSocket: () => new HostSocket(fake), probe, minDelayMs: 100, maxDelayMs: 400, giveUpAfterMs: 5_000 })
  const store = createAppStore(client.api, { connection: client.connection, preloadedState: { connection: { status: 'connecting', hasBeenOpen: false } } })
  startBridge(client.api, store.dispatch)
  bindConnection(client.connection, store.dispatch)
  renderWithStore(<App />, store)
  await act(async () => {
    HostSocket.all[0].open()
    await store.dispatch(loadAppState())
    await flush()
  })
  expect(screen.getByTestId('composer-input')).toBeTruthy()
  return { fake, client, store }
}

async function typeAndSend(text: string) {
  await act(async () => {
    fireEvent.change(screen.getByTestId('composer-input'), { target: { value: text } })
    fireEvent.click(screen.getByTestId('composer-send'))
    await flush()
  })
}

describe('the page when the headless host goes away', () => {
  it('a message typed while disconnected fails plainly, is kept, and Send is usable again; after reconnecting it goes through', async () => {
    let answer: ProbeResult = 'unreachable'
    const { fake, client } = await startPage(async () => answer)
    await act(async () => HostSocket.all[0].close())
    expect(screen.getByTestId('disconnected-banner').textContent).toBe(CONNECTION_MESSAGES.closed)

    await typeAndSend('Show overdue invoices')
    expect(screen.getByTestId('composer-error').textContent).toBe(REQUEST_FAILURES.notSent)
    expect(screen.getByTestId('composer-send').textContent).toBe('Send')
    expect((screen.getByTestId('composer-input') as HTMLTextAreaElement).value).toBe('Show overdue invoices')
    expect(fake.handlers['conversations.send']).not.toHaveBeenCalled()

    answer = 'accepted'
    await vi.waitFor(() => expect(HostSocket.all.length).toBeGreaterThan(1), { timeout: 2_000 })
    await act(async () => {
      HostSocket.all.at(-1)!.open()
      await flush()
    })
    expect(screen.queryByTestId('disconnected-banner')).toBeNull()
    await act(async () => {
      fireEvent.click(screen.getByTestId('composer-send'))
      await flush()
    })
    expect(fake.handlers['conversations.send']).toHaveBeenCalledWith({ conversationId: conversation().id, text: 'Show overdue invoices' })
    expect(screen.queryByTestId('composer-error')).toBeNull()
    client.close()
  })

  it('a message in flight when the host dies fails saying it may have gone through, not "Sending…" forever', async () => {
    const { fake, client } = await startPage(async () => 'unreachable')
    let arrived!: () => void
    const reached = new Promise<void>((r) => (arrived = r))
    fake.handlers['conversations.send'].mockImplementation(() => (arrived(), new Promise(() => {})))
    await typeAndSend('Move deal X to stage negotiation')
    await reached
    expect(screen.queryByTestId('composer-error')).toBeNull()
    await act(async () => {
      HostSocket.all[0].close()
      await flush()
    })
    // Sending from home opened the new conversation: its composer shows why, and keeps the text.
    expect(screen.getByTestId('composer-error').textContent).toBe(REQUEST_FAILURES.dropped)
    expect(screen.getByTestId('composer-send').textContent).toBe('Send')
    expect((screen.getByTestId('composer-input') as HTMLTextAreaElement).value).toBe('Move deal X to stage negotiation')
    client.close()
  })

  it('a host back with another token: the banner says to open the new address', async () => {
    const { client } = await startPage(async () => 'refused')
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] })
    await act(async () => {
      HostSocket.all[0].close()
      await vi.advanceTimersByTimeAsync(100)
    })
    const banner = screen.getByTestId('disconnected-banner')
    expect(banner.getAttribute('data-status')).toBe('refused')
    expect(banner.textContent).toBe(CONNECTION_MESSAGES.refused)
    client.close()
  })

  it('no host for a while: the banner says to start it again, and Try again reconnects and refetches', async () => {
    let answer: ProbeResult = 'unreachable'
    const { fake, client } = await startPage(async () => answer)
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] })
    const loadsBefore = fake.handlers['app.getState'].mock.calls.length
    await act(async () => {
      HostSocket.all[0].close()
      await vi.advanceTimersByTimeAsync(6_000)
    })
    expect(screen.getByTestId('disconnected-banner').getAttribute('data-status')).toBe('gone')
    expect(screen.getByTestId('disconnected-banner').textContent).toContain(CONNECTION_MESSAGES.gone)

    answer = 'accepted'
    await act(async () => {
      fireEvent.click(screen.getByTestId('reconnect-button'))
      await vi.advanceTimersByTimeAsync(0)
    })
    await act(async () => {
      HostSocket.all.at(-1)!.open()
      await vi.advanceTimersByTimeAsync(0)
    })
    expect(screen.queryByTestId('disconnected-banner')).toBeNull()
    expect(fake.handlers['app.getState'].mock.calls.length).toBeGreaterThan(loadsBefore)
    client.close()
  })
})
