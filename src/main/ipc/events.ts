// Pushed events to every window of ours. Electron sends over webContents; the headless host
// broadcasts over its WebSocket. Payloads are validated against the contract before leaving.
import { events, type EventName, type EventPayload } from '../../shared/contract'

export interface EventSink {
  emit<K extends EventName>(name: K, payload: EventPayload<K>): void
}

export class FanOutEventSink implements EventSink {
  private readonly listeners = new Set<(name: EventName, payload: unknown) => void>()

  subscribe(listener: (name: EventName, payload: unknown) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  emit<K extends EventName>(name: K, payload: EventPayload<K>): void {
    // A malformed event is a bug in main; fail loudly in development rather than send it.
    const checked = events[name].parse(payload)
    for (const listener of this.listeners) listener(name, checked)
  }
}
