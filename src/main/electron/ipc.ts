// Registers one ipcMain handler per request in the contract. Each checks the sender first, then
// the payload (in dispatch), and answers with an envelope so errors keep their message.
import type { IpcMain, WebContents } from 'electron'
import { REQUEST_NAMES, type Envelope } from '../../shared/contract'
import { dispatch, type ErrorLog, type Handlers } from '../ipc/dispatch'
import type { FanOutEventSink } from '../ipc/events'
import { isTrustedSender } from './security'

export function registerIpc(options: {
  ipcMain: Pick<IpcMain, 'handle'>
  handlers: Handlers
  window: () => { webContents: WebContents } | null
  expectedOrigin: string
  /** Details of unexpected errors (the local log); the window only ever sees a plain sentence. */
  log?: ErrorLog
}): void {
  for (const name of REQUEST_NAMES) {
    options.ipcMain.handle(name, async (event, input): Promise<Envelope<unknown>> => {
      if (!isTrustedSender(event, options.window(), options.expectedOrigin)) {
        return { ok: false, error: { code: 'forbidden_sender', message: 'Refused: this request did not come from the Countersign window.' } }
      }
      return dispatch(options.handlers, name, input, options.log)
    })
  }
}

/** Pushes every event to our window on `event:<name>`. */
export function forwardEvents(events: FanOutEventSink, window: () => { webContents: WebContents; isDestroyed(): boolean } | null): () => void {
  return events.subscribe((name, payload) => {
    const w = window()
    if (w && !w.isDestroyed()) w.webContents.send(`event:${name}`, payload)
  })
}
