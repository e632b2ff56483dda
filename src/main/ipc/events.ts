// Pushed events to every window of ours. Electron sends over webContents; the headless host
// broadcasts over its WebSocket. Payloads are validated against the contract before leaving.
import { events, type EventName, type EventPayload } from '../../shared/contract'

export interface EventSink {
  /**
   * `principal` is whom the event concerns (principalKey()), or null for events about the app
   * itself. An event about one principal reaches only clients signed in as that principal.
   */
  emit<K extends EventName>(name: K, payload: EventPayload<K>, principal: string | null): void
}

export class FanOutEventSink implements EventSink {
  private readonly listeners = new Set<(name: EventName, payload: unknown) => void>()

  /** @param signedIn the principal the app's clients are signed in as now (one session per app). */
  constructor(private readonly signedIn: () => string | null = () => null) {}

  subscribe(listener: (name: EventName, payload: unknown) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  emit<K extends EventName>(name: K, payload: EventPayload<K>, principal: string | null): void {
    if (principal !== null && principal !== this.signedIn()) return
    // A malformed event is a bug in main; fail loudly in development rather than send it.
    const checked = events[name].parse(payload)
    for (const listener of this.listeners) listener(name, checked)
  }
}
