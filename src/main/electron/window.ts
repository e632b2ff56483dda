// The one window: context isolation and sandbox on, Node off, strict CSP, no navigation away,
// no new windows, no permissions (neither asked for nor checked as granted).
import type { BrowserWindow as BrowserWindowType, Session } from 'electron'
import { RENDERER_CSP } from '../../shared/csp'
import { isOwnUrl } from './security'

export const WEB_PREFERENCES = {
  contextIsolation: true,
  sandbox: true,
  nodeIntegration: false,
  nodeIntegrationInWorker: false,
  webSecurity: true,
  allowRunningInsecureContent: false,
  webviewTag: false,
  spellcheck: true
} as const

export function createMainWindow(options: {
  BrowserWindow: typeof BrowserWindowType
  preload: string
  rendererUrl: string
  expectedOrigin: string
  icon?: string
  /** False when started at login: the window loads but stays hidden until asked for. */
  showWhenReady?: boolean
}): BrowserWindowType {
  const win = new options.BrowserWindow({
    width: 1200,
    height: 800,
    minWidth: 800,
    minHeight: 560,
    title: 'Countersign',
    show: false,
    icon: options.icon,
    webPreferences: { ...WEB_PREFERENCES, preload: options.preload }
  })
  if (options.showWhenReady !== false) win.once('ready-to-show', () => win.show())
  win.webContents.on('will-navigate', (event, url) => {
    if (!isOwnUrl(url, options.expectedOrigin)) event.preventDefault()
  })
  win.webContents.on('will-redirect', (event, url) => {
    if (!isOwnUrl(url, options.expectedOrigin)) event.preventDefault()
  })
  win.webContents.setWindowOpenHandler(() => ({ action: 'deny' }))
  win.webContents.on('will-attach-webview', (event) => event.preventDefault())
  void win.loadURL(options.rendererUrl)
  return win
}

/** CSP as a response header on what comes over http in development too (app:// responses carry
 *  it from the protocol handler), and no permissions: every request is refused, and every
 *  check (which Chromium makes without asking, e.g. for the Notification or clipboard APIs)
 *  answers "not granted". */
export function hardenSession(session: Pick<Session, 'webRequest' | 'setPermissionRequestHandler' | 'setPermissionCheckHandler'>): void {
  session.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [RENDERER_CSP] } })
  })
  session.setPermissionRequestHandler((_webContents, _permission, callback) => callback(false))
  session.setPermissionCheckHandler(() => false)
}
