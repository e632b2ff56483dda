// The one window: context isolation and sandbox on, Node off, strict CSP, no navigation away,
// no new windows, no permission prompts.
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
  win.once('ready-to-show', () => win.show())
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

/** CSP as a response header too (the page also carries it in a meta tag), and no permissions. */
export function hardenSession(session: Pick<Session, 'webRequest' | 'setPermissionRequestHandler'>): void {
  session.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [RENDERER_CSP] } })
  })
  session.setPermissionRequestHandler((_webContents, _permission, callback) => callback(false))
}
