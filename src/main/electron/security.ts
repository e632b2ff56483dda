// Who may talk to main: only our own window's main frame, loaded from our own origin.
import type { IpcMainInvokeEvent, WebContents } from 'electron'

export function appOrigin(rendererUrl: string): string {
  const url = new URL(rendererUrl)
  // file:// URLs have the opaque origin "null"; compare the file path instead.
  return url.protocol === 'file:' ? `file://${url.pathname}` : url.origin
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

/** Navigation inside the window is only ever to our own page. */
export function isOwnUrl(url: string, expectedOrigin: string): boolean {
  try {
    return appOrigin(url) === expectedOrigin
  } catch {
    return false
  }
}
