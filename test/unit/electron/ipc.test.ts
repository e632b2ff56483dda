// IPC registration: one handler per contract request, each checking the sender before the
// payload and before any service runs. `electron` is mocked.
import { describe, expect, it, vi, type Mock } from 'vitest'

vi.mock('electron', () => ({ ipcMain: { handle: vi.fn() } }))

import { REQUEST_NAMES, type RequestName } from '../../../src/shared/contract'
import type { Handlers } from '../../../src/main/ipc/dispatch'
import { FanOutEventSink } from '../../../src/main/ipc/events'
import { forwardEvents, registerIpc } from '../../../src/main/electron/ipc'
import { appOrigin } from '../../../src/main/electron/security'

const URL_ = 'app://countersign/index.html'

type Listener = (event: unknown, input: unknown) => Promise<unknown>

function setup() {
  const registered = new Map<string, Listener[]>()
  const ipcMain = {
    handle: vi.fn((channel: string, listener: Listener) => {
      registered.set(channel, [...(registered.get(channel) ?? []), listener])
    })
  }
  const handlers = Object.fromEntries(REQUEST_NAMES.map((n) => [n, vi.fn(async () => ({ ok: true }))])) as unknown as Handlers & Record<RequestName, Mock>
  const mainFrame = { url: URL_ }
  const webContents = { mainFrame }
  const window = { webContents }
  registerIpc({ ipcMain: ipcMain as never, handlers, window: () => window as never, expectedOrigin: appOrigin(URL_) })
  const call = (name: string, ev: unknown, input: unknown) => registered.get(name)![0](ev, input)
  return { registered, ipcMain, handlers, window, mainFrame, webContents, call }
}

describe('registerIpc', () => {
  it('registers exactly one handler per request name, and nothing else', () => {
    const { registered, ipcMain } = setup()
    expect(ipcMain.handle).toHaveBeenCalledTimes(REQUEST_NAMES.length)
    expect([...registered.keys()].sort()).toEqual([...REQUEST_NAMES].sort())
    for (const listeners of registered.values()) expect(listeners).toHaveLength(1)
  })

  it('a request from our main frame reaches its handler', async () => {
    const s = setup()
    const result = await s.call('conversations.stop', { sender: s.webContents, senderFrame: s.mainFrame }, { conversationId: 'c1' })
    expect(result).toEqual({ ok: true, value: { ok: true } })
    expect(s.handlers['conversations.stop']).toHaveBeenCalledWith({ conversationId: 'c1' })
  })

  it('checks the payload after the sender: a trusted sender with a bad payload gets invalid_input', async () => {
    const s = setup()
    const result = await s.call('actions.decide', { sender: s.webContents, senderFrame: s.mainFrame }, { actionId: 'a', hash: 'short', decision: 'approve' })
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid_input' } })
    expect(s.handlers['actions.decide']).not.toHaveBeenCalled()
  })

  const forged: [string, (s: ReturnType<typeof setup>) => unknown][] = [
    ['another webContents', (s) => ({ sender: { mainFrame: s.mainFrame }, senderFrame: s.mainFrame })],
    ['a subframe', (s) => ({ sender: s.webContents, senderFrame: { url: URL_ } })],
    ['a null frame', (s) => ({ sender: s.webContents, senderFrame: null })],
    ['our frame at another origin', (s) => {
      s.mainFrame.url = 'https://evil.example.com/'
      return { sender: s.webContents, senderFrame: s.mainFrame }
    }]
  ]

  it.each(forged)('%s gets forbidden_sender on every request, and no handler runs', async (_label, makeEvent) => {
    const s = setup()
    const ev = makeEvent(s)
    const hash = 'a'.repeat(64)
    for (const name of REQUEST_NAMES) {
      const result = await s.call(name, ev, name === 'actions.decide' ? { actionId: 'a1', hash, decision: 'approve' } : {})
      expect(result).toMatchObject({ ok: false, error: { code: 'forbidden_sender' } })
    }
    for (const name of REQUEST_NAMES) expect(s.handlers[name]).not.toHaveBeenCalled()
  })

  it('refuses everything when the window is gone', async () => {
    const registered = new Map<string, Listener>()
    const handlers = Object.fromEntries(REQUEST_NAMES.map((n) => [n, vi.fn(async () => ({ ok: true }))])) as unknown as Handlers & Record<RequestName, Mock>
    registerIpc({ ipcMain: { handle: (c: string, l: Listener) => registered.set(c, l) } as never, handlers, window: () => null, expectedOrigin: appOrigin(URL_) })
    const result = await registered.get('app.getState')!({ sender: {}, senderFrame: { url: URL_ } }, {})
    expect(result).toMatchObject({ ok: false, error: { code: 'forbidden_sender' } })
    expect(handlers['app.getState']).not.toHaveBeenCalled()
  })
})

describe('forwardEvents', () => {
  it('pushes each event to our window on event:<name>, and stops after unsubscribe', () => {
    const sink = new FanOutEventSink()
    const send = vi.fn()
    const win = { webContents: { send }, isDestroyed: () => false }
    const stop = forwardEvents(sink, () => win as never)
    sink.emit('ui.focusAction', { actionId: 'a1', conversationId: 'c1' }, null)
    expect(send).toHaveBeenCalledWith('event:ui.focusAction', { actionId: 'a1', conversationId: 'c1' })
    stop()
    sink.emit('ui.focusAction', { actionId: 'a2', conversationId: 'c1' }, null)
    expect(send).toHaveBeenCalledTimes(1)
  })

  it('sends nothing to a destroyed or missing window', () => {
    const sink = new FanOutEventSink()
    const send = vi.fn()
    forwardEvents(sink, () => ({ webContents: { send }, isDestroyed: () => true }) as never)
    forwardEvents(sink, () => null)
    sink.emit('ui.focusAction', { actionId: 'a1', conversationId: 'c1' }, null)
    expect(send).not.toHaveBeenCalled()
  })
})
