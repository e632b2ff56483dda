export type ConnectionStatus = 'connecting' | 'open' | 'closed'

/** The transport's health, when the transport can break (the headless host's WebSocket).
 *  In Electron there is no such thing and the renderer gets `null`. */
export interface ConnectionMonitor {
  readonly status: ConnectionStatus
  subscribe(listener: (status: ConnectionStatus) => void): () => void
}
