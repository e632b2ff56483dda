// A fake CountersignApi for component and store tests: every request is a vi.fn with a
// sensible default, and `emit` pushes an event as main would.
import { vi, type Mock } from 'vitest'
import type { CountersignApi, EventName, EventPayload, RequestInput, RequestName, RequestOutput } from '../../../shared/contract'
import { EVENT_NAMES, REQUEST_NAMES } from '../api/names'
import { appState, settingsView } from './fixtures'

type Handlers = { [K in RequestName]: Mock<(input: RequestInput<K>) => Promise<RequestOutput<K>>> }

export type FakeApi = {
  api: CountersignApi
  handlers: Handlers
  emit<K extends EventName>(name: K, payload: EventPayload<K>): void
  listenerCount(name: EventName): number
}

export function createFakeApi(overrides: Partial<{ [K in RequestName]: (input: RequestInput<K>) => Promise<RequestOutput<K>> }> = {}): FakeApi {
  const defaults: { [K in RequestName]?: (input: RequestInput<K>) => Promise<RequestOutput<K>> } = {
    'app.getState': async () => appState(),
    'conversations.list': async () => [],
    'actions.inbox': async () => [],
    'actions.inboxPage': async () => ({ items: [], total: 0, nextCursor: null }),
    'actions.forConversation': async () => [],
    'settings.get': async () => settingsView(),
    'conversations.send': async () => ({ ok: true as const }),
    'conversations.stop': async () => ({ ok: true as const }),
    'conversations.retry': async () => ({ ok: true as const })
  }
  const handlers = {} as Record<string, Mock>
  for (const name of REQUEST_NAMES) {
    const impl = (overrides as Record<string, unknown>)[name] ?? (defaults as Record<string, unknown>)[name]
    handlers[name] = vi.fn(
      (impl as ((input: unknown) => Promise<unknown>) | undefined) ??
        (async () => {
          throw new Error(`No fake for ${name}`)
        })
    )
  }
  const listeners = new Map<string, Set<(payload: unknown) => void>>()
  const events = {} as Record<string, unknown>
  for (const name of EVENT_NAMES) {
    events[name] = (listener: (payload: unknown) => void) => {
      let set = listeners.get(name)
      if (!set) listeners.set(name, (set = new Set()))
      set.add(listener)
      return () => set!.delete(listener)
    }
  }
  return {
    api: { requests: handlers as unknown as CountersignApi['requests'], events: events as unknown as CountersignApi['events'] },
    handlers: handlers as unknown as Handlers,
    emit(name, payload) {
      for (const listener of [...(listeners.get(name) ?? [])]) listener(payload)
    },
    listenerCount(name) {
      return listeners.get(name)?.size ?? 0
    }
  }
}
