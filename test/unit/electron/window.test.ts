// The one window: isolation and sandbox on, Node off, web security on, no navigation away, no
// new windows, strict CSP header, no permissions. `electron` is mocked.
import { describe, expect, it, vi } from 'vitest'

vi.mock('electron', () => ({ BrowserWindow: vi.fn(), session: {} }))

import { createMainWindow, hardenSession, WEB_PREFERENCES } from '../../../src/main/electron/window'
import { RENDERER_CSP } from '../../../src/shared/csp'
import { appOrigin } from '../../../src/main/electron/security'

const URL_ = 'app://countersign/index.html'

type Handler = (...args: unknown[]) => unknown

class FakeWebContents {
  listeners = new Map<string, Handler[]>()
  windowOpenHandler: Handler | null = null
  on(name: string, fn: Handler) {
    this.listeners.set(name, [...(this.listeners.get(name) ?? []), fn])
    return this
  }
  setWindowOpenHandler(fn: Handler) {
    this.windowOpenHandler = fn
  }
  fire(name: string, ...args: unknown[]) {
    for (const fn of this.listeners.get(name) ?? []) fn(...args)
  }
}

class FakeBrowserWindow {
  static instances: FakeBrowserWindow[] = []
  webContents = new FakeWebContents()
  once = vi.fn((name: string, fn: Handler) => {
    this.onceListeners.set(name, fn)
  })
  onceListeners = new Map<string, Handler>()
  show = vi.fn()
  loadURL = vi.fn(async () => {})
  constructor(readonly options: Record<string, any>) {
    FakeBrowserWindow.instances.push(this)
  }
}

function open() {
  FakeBrowserWindow.instances = []
  const win = createMainWindow({
    BrowserWindow: FakeBrowserWindow as never,
    preload: '/opt/Countersign/out/preload/index.cjs',
    rendererUrl: URL_,
    expectedOrigin: appOrigin(URL_)
  }) as unknown as FakeBrowserWindow
  return win
}

function navEvent() {
  return { preventDefault: vi.fn() }
}

describe('createMainWindow', () => {
  it('creates one window with the safe web preferences', () => {
    const win = open()
    expect(FakeBrowserWindow.instances).toHaveLength(1)
    const prefs = win.options.webPreferences
    expect(prefs.contextIsolation).toBe(true)
    expect(prefs.sandbox).toBe(true)
    expect(prefs.nodeIntegration).toBe(false)
    expect(prefs.nodeIntegrationInWorker).toBe(false)
    expect(prefs.webSecurity).toBe(true)
    expect(prefs.allowRunningInsecureContent).toBe(false)
    expect(prefs.webviewTag).toBe(false)
    expect(prefs.preload).toBe('/opt/Countersign/out/preload/index.cjs')
    expect(prefs).not.toHaveProperty('nodeIntegrationInSubFrames', true)
    expect(prefs).not.toHaveProperty('enableRemoteModule', true)
  })

  it('the exported WEB_PREFERENCES agree', () => {
    expect(WEB_PREFERENCES).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true })
  })

  it('loads our renderer, and shows the window when ready', () => {
    const win = open()
    expect(win.loadURL).toHaveBeenCalledWith(URL_)
    expect(win.show).not.toHaveBeenCalled()
    win.onceListeners.get('ready-to-show')!()
    expect(win.show).toHaveBeenCalled()
  })

  it.each(['will-navigate', 'will-redirect'])('%s to another URL is prevented', (name) => {
    const win = open()
    for (const url of ['https://evil.example.com/', 'file:///etc/passwd', 'app://countersign.evil/index.html', 'file:///opt/Countersign/out/renderer/index.html', 'javascript:alert(1)']) {
      const ev = navEvent()
      win.webContents.fire(name, ev, url)
      expect(ev.preventDefault).toHaveBeenCalled()
    }
  })

  it.each(['will-navigate', 'will-redirect'])('%s within our own page is allowed', (name) => {
    const win = open()
    const ev = navEvent()
    win.webContents.fire(name, ev, `${URL_}#/inbox`)
    expect(ev.preventDefault).not.toHaveBeenCalled()
  })

  it('denies every new window', () => {
    const win = open()
    expect(win.webContents.windowOpenHandler).not.toBeNull()
    for (const url of ['https://example.com/', URL_, 'about:blank']) {
      expect(win.webContents.windowOpenHandler!({ url, disposition: 'new-window' })).toEqual({ action: 'deny' })
    }
  })

  it('refuses to attach a webview', () => {
    const win = open()
    const ev = navEvent()
    win.webContents.fire('will-attach-webview', ev, {}, {})
    expect(ev.preventDefault).toHaveBeenCalled()
  })
})

describe('hardenSession', () => {
  function session() {
    let headers: Handler | null = null
    let permissions: Handler | null = null
    let checks: Handler | null = null
    const s = {
      webRequest: { onHeadersReceived: vi.fn((fn: Handler) => (headers = fn)) },
      setPermissionRequestHandler: vi.fn((fn: Handler) => (permissions = fn)),
      setPermissionCheckHandler: vi.fn((fn: Handler) => (checks = fn))
    }
    hardenSession(s as never)
    return { s, headers: () => headers!, permissions: () => permissions!, checks: () => checks! }
  }

  it('adds the CSP header to every response and keeps the others', () => {
    const { headers } = session()
    const callback = vi.fn()
    headers()({ responseHeaders: { 'X-Other': ['1'] } }, callback)
    const response = callback.mock.calls[0][0]
    expect(response.responseHeaders['Content-Security-Policy']).toEqual([RENDERER_CSP])
    expect(response.responseHeaders['X-Other']).toEqual(['1'])
    expect(response.cancel).toBeFalsy()
  })

  it('adds it when the response had no headers at all', () => {
    const { headers } = session()
    const callback = vi.fn()
    headers()({}, callback)
    expect(callback.mock.calls[0][0].responseHeaders['Content-Security-Policy']).toEqual([RENDERER_CSP])
  })

  it('the CSP is strict: self only, no inline or eval, no objects, no framing', () => {
    expect(RENDERER_CSP).toContain("default-src 'self'")
    expect(RENDERER_CSP).toContain("script-src 'self'")
    expect(RENDERER_CSP).toContain("object-src 'none'")
    expect(RENDERER_CSP).toContain("frame-ancestors 'none'")
    expect(RENDERER_CSP).not.toMatch(/unsafe-/)
    const sources = RENDERER_CSP.split(';').flatMap((d) => d.trim().split(/\s+/).slice(1))
    expect(sources).not.toContain('*')
    expect(sources.filter((s) => /^(https?|ws|wss):$/.test(s))).toEqual([]) // no whole-scheme sources
  })

  it.each(['media', 'geolocation', 'notifications', 'openExternal', 'clipboard-read', 'fullscreen'])('denies the %s permission', (permission) => {
    const { permissions } = session()
    const callback = vi.fn()
    permissions()({}, permission, callback, {})
    expect(callback).toHaveBeenCalledWith(false)
  })

  it.each(['media', 'notifications', 'clipboard-read', 'clipboard-sanitized-write', 'hid', 'serial', 'usb', 'background-sync'])(
    'answers a permission check for %s with "not granted", even from our own origin',
    (permission) => {
      const { checks } = session()
      expect(checks()({}, permission, 'app://countersign', { embeddingOrigin: 'app://countersign', isMainFrame: true })).toBe(false)
    }
  )
})
