// Where the renderer's API comes from: the preload's `window.countersign` inside Electron, or
// the WebSocket client for the headless host when the page runs in an ordinary browser.
import type { CountersignApi } from '../../../shared/contract'
import type { ConnectionMonitor } from './connection'
import { createWsClient, headlessSocketUrl } from './wsClient'

declare global {
  interface Window {
    countersign?: CountersignApi
  }
}

export type ApiSource = { api: CountersignApi; connection: ConnectionMonitor | null }

export function resolveApi(): ApiSource {
  if (window.countersign) return { api: window.countersign, connection: null }
  const client = createWsClient({ url: headlessSocketUrl(window.location) })
  return { api: client.api, connection: client.connection }
}

export type { ConnectionMonitor, ConnectionStatus } from './connection'
export { errorMessage } from './errors'
