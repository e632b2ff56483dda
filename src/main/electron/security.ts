// Who may talk to main: only our own window's main frame, loaded from our own origin.
import type { IpcMainInvokeEvent, WebContents } from 'electron'

/**
 * The origin a URL was loaded from, as scheme + host (+ port), compared exactly. `URL.origin`
 * is the opaque "null" for custom schemes such as app://, so it is built here by hand. A URL
 * without a host (file:, data:, about:, javascript:) has no origin we serve from: it throws.
 */
export function appOrigin(rendererUrl: string): string {
  const url = new URL(rendererUrl)
  if (!url.host) throw new Error(`Not an origin Countersign serves from: ${url.protocol}`)
  return `${url.protocol}//${url.host}`
}

export function isTrustedSender(event: Pick<IpcMainInvokeEvent, 'sender' | 'senderFrame'>, window: { webContents: WebContents } | null, expectedOrigin: string): boolean {
  if (!window || event.sender !== window.webContents) return false
  const frame = event.senderFrame
  if (!frame || frame !== window.webContents.mainFrame) return false
  try {
    return appOrigin(frame.url) === expectedOrigin
  } catch {
    return false
  }
}

/** Navigation inside the window is only ever to our own origin. */
export function isOwnUrl(url: string, expectedOrigin: string): boolean {
  try {
    return appOrigin(url) === expectedOrigin
  } catch {
    return false
  }
}
