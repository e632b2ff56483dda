// The preload exposes exactly one function per request and one subscription per event, over
// fixed channels, and nothing else: no ipcRenderer, no generic invoke or send.
import { beforeAll, describe, expect, it, vi } from 'vitest'
import { EVENT_NAMES, REQUEST_NAMES } from '../../../src/shared/contract'

const exposed: Record<string, any> = {}
const ipcRenderer = { invoke: vi.fn(), on: vi.fn(), removeListener: vi.fn(), send: vi.fn(), sendSync: vi.fn() }
vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (key: string, api: unknown) => (exposed[key] = api) },
  ipcRenderer
}))

beforeAll(async () => {
  await import('../../../src/preload/index')
})

describe('the preload', () => {
  it('exposes only `countersign`, with one function per request and one per event', () => {
    expect(Object.keys(exposed)).toEqual(['countersign'])
    const api = exposed.countersign
    expect(Object.keys(api).sort()).toEqual(['events', 'requests'])
    expect(Object.keys(api.requests).sort()).toEqual([...REQUEST_NAMES].sort())
    expect(Object.keys(api.events).sort()).toEqual([...EVENT_NAMES].sort())
    for (const fn of [...Object.values(api.requests), ...Object.values(api.events)]) expect(typeof fn).toBe('function')
    expect(JSON.stringify(Object.keys(api))).not.toMatch(/invoke|send|ipc/i)
  })

  it('invokes the request\'s own channel, unwraps a result and turns an error envelope into an Error', async () => {
    ipcRenderer.invoke.mockResolvedValueOnce({ ok: true, value: { ok: true } })
    await expect(exposed.countersign.requests['conversations.stop']({ conversationId: 'c1' })).resolves.toEqual({ ok: true })
    expect(ipcRenderer.invoke).toHaveBeenLastCalledWith('conversations.stop', { conversationId: 'c1' })

    ipcRenderer.invoke.mockResolvedValueOnce({ ok: false, error: { code: 'decision_hash_mismatch', message: 'Does not match the card.' } })
    await expect(exposed.countersign.requests['actions.decide']({})).rejects.toThrow('Does not match the card.')
  })

  it('subscribes on `event:<name>`, passes only the payload, and unsubscribes', () => {
    const listener = vi.fn()
    const off = exposed.countersign.events['action.changed'](listener)
    const [channel, handler] = ipcRenderer.on.mock.calls.at(-1)!
    expect(channel).toBe('event:action.changed')
    handler({ sender: 'the IpcRendererEvent' }, { id: 'a1' })
    expect(listener).toHaveBeenCalledWith({ id: 'a1' })
    off()
    expect(ipcRenderer.removeListener).toHaveBeenCalledWith('event:action.changed', handler)
  })
})
