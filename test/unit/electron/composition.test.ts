// The Electron composition root, started with `electron` mocked (its binary cannot be fetched on
// these machines), as a packaged app with ELECTRON_RENDERER_URL set by someone else. It takes the
// single-instance lock, registers app:// as privileged and serves it, hardens the session,
// registers exactly one handler per request, loads app:// (not the env URL), and keeps Countersign
// reachable: the real core proposes an action, the tray and badge count it, closing the window
// hides it (saying so once), the OS notification still comes and its click opens the card.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { REQUEST_NAMES } from '../../../src/shared/contract'
import { RENDERER_CSP } from '../../../src/shared/csp'

const dataDir = mkdtempSync(join(tmpdir(), 'countersign-electron-root-'))
const handlers = new Map<string, (event: unknown, input: unknown) => Promise<any>>()
const appListeners = new Map<string, ((...args: unknown[]) => void)[]>()
const windows: any[] = []
const trays: any[] = []
const notifications: any[] = []
const privileged: any[] = []
const updaterLoaded = vi.fn()
let headerHook: ((details: any, callback: (r: any) => void) => void) | null = null
let protocolHandler: { scheme: string; handler: (request: Request) => Promise<Response> } | null = null
let permissionCheck: ((...args: unknown[]) => boolean) | null = null

process.env.ELECTRON_RENDERER_URL = 'https://evil.example.com/'
process.env.COUNTERSIGN_DATA_DIR = join(dataDir, 'elsewhere')
process.env.XDG_CONFIG_HOME = join(dataDir, 'config')

vi.mock('electron-updater', () => {
  updaterLoaded()
  return { autoUpdater: {} }
})

vi.mock('electron', () => {
  class BrowserWindow {
    options: any
    webContents: any
    listeners = new Map<string, ((...args: any[]) => void)[]>()
    visible = false
    constructor(options: any) {
      this.options = options
      const mainFrame = { url: '' }
      this.webContents = { mainFrame, on: vi.fn(), send: vi.fn(), setWindowOpenHandler: vi.fn() }
      windows.push(this)
    }
    once = vi.fn()
    on = (name: string, fn: (...args: any[]) => void) => {
      this.listeners.set(name, [...(this.listeners.get(name) ?? []), fn])
      return this
    }
    emit(name: string, ...args: unknown[]) {
      for (const fn of this.listeners.get(name) ?? []) fn(...args)
    }
    loadURL = vi.fn(async (url: string) => {
      this.webContents.mainFrame.url = url
    })
    isDestroyed = () => false
    isFocused = () => this.visible
    isMinimized = () => false
    show = vi.fn(() => (this.visible = true))
    hide = vi.fn(() => (this.visible = false))
    focus = vi.fn()
    restore = vi.fn()
    setTitle = vi.fn()
  }
  class Tray {
    tooltip = ''
    menu: any = null
    listeners = new Map<string, () => void>()
    constructor(readonly image: unknown) {
      trays.push(this)
    }
    setToolTip = (t: string) => (this.tooltip = t)
    setTitle = vi.fn()
    setContextMenu = (m: any) => (this.menu = m)
    on = (name: string, fn: () => void) => this.listeners.set(name, fn)
    destroy = vi.fn()
  }
  class Notification {
    static isSupported = () => true
    clicks: (() => void)[] = []
    show = vi.fn()
    constructor(readonly options: any) {
      notifications.push(this)
    }
    on(name: string, fn: () => void) {
      if (name === 'click') this.clicks.push(fn)
      return this
    }
  }
  const app = {
    isPackaged: true,
    requestSingleInstanceLock: vi.fn(() => true),
    whenReady: () => Promise.resolve(),
    isReady: () => true,
    getPath: (name: string) => (name === 'home' ? join(dataDir, 'home') : dataDir),
    setPath: vi.fn(),
    getVersion: () => '0.0.0-test',
    on: (event: string, listener: (...args: unknown[]) => void) => appListeners.set(event, [...(appListeners.get(event) ?? []), listener]),
    quit: vi.fn(),
    setBadgeCount: vi.fn(),
    getLoginItemSettings: vi.fn(() => ({ openAtLogin: false })),
    setLoginItemSettings: vi.fn()
  }
  const electron = {
    app,
    BrowserWindow,
    Tray,
    Menu: { buildFromTemplate: (template: unknown) => ({ template }) },
    nativeImage: { createFromPath: () => ({ resize: () => ({ kind: 'tray-icon' }) }) },
    dialog: { showMessageBox: vi.fn() },
    ipcMain: { handle: (name: string, fn: any) => handlers.set(name, fn), on: vi.fn() },
    Notification,
    protocol: { registerSchemesAsPrivileged: (schemes: unknown[]) => privileged.push(...schemes) },
    session: {
      defaultSession: {
        webRequest: { onHeadersReceived: (fn: any) => (headerHook = fn) },
        setPermissionRequestHandler: vi.fn(),
        setPermissionCheckHandler: (fn: any) => (permissionCheck = fn),
        protocol: { handle: (scheme: string, handler: any) => (protocolHandler = { scheme, handler }) }
      }
    },
    shell: {}
  }
  return { ...electron, default: electron }
})

async function until(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 250; i++) {
    if (condition()) return
    await new Promise((r) => setTimeout(r, 20))
  }
  throw new Error(`timed out waiting for ${what}`)
}

beforeAll(async () => {
  await import('../../../src/main/electron/index')
  await until(() => windows.length === 1 && trays.length === 1, 'the window and the tray')
  await new Promise((r) => setTimeout(r, 100))
})
afterAll(() => {
  for (const fn of appListeners.get('before-quit') ?? []) fn()
  rmSync(dataDir, { recursive: true, force: true })
})

const own = () => ({ sender: windows[0].webContents, senderFrame: windows[0].webContents.mainFrame })
const menuItem = (id: string) => trays[0].menu.template.find((i: any) => i.id === id)
const sent = (channel: string) => windows[0].webContents.send.mock.calls.filter((c: unknown[]) => c[0] === channel)

describe('the Electron composition root', () => {
  it('takes the single-instance lock and brings the window forward on a second launch', async () => {
    const { app } = (await import('electron')) as any
    expect(app.requestSingleInstanceLock).toHaveBeenCalled()
    windows[0].visible = false
    for (const fn of appListeners.get('second-instance')!) fn()
    expect(windows[0].show).toHaveBeenCalled()
  })

  it('registers app:// as a standard, secure scheme and serves the renderer there with the CSP', async () => {
    expect(privileged).toEqual([{ scheme: 'app', privileges: expect.objectContaining({ standard: true, secure: true }) }])
    expect(protocolHandler!.scheme).toBe('app')
    const missing = await protocolHandler!.handler(new Request('app://countersign/no-such-file.js'))
    expect(missing.headers.get('content-security-policy')).toBe(RENDERER_CSP)
    const foreign = await protocolHandler!.handler(new Request('app://elsewhere/index.html'))
    expect(foreign.status).toBe(403)
  })

  it('a packaged app loads app://countersign/ and ignores ELECTRON_RENDERER_URL and COUNTERSIGN_DATA_DIR', async () => {
    expect(windows[0].loadURL).toHaveBeenCalledWith('app://countersign/index.html')
    expect(windows[0].loadURL).not.toHaveBeenCalledWith(expect.stringContaining('evil'))
    const { app } = (await import('electron')) as any
    expect(app.setPath).not.toHaveBeenCalled()
  })

  it('registers exactly one handler per request in the contract', () => {
    expect([...handlers.keys()].sort()).toEqual([...REQUEST_NAMES].sort())
  })

  it('opens one window, sandboxed, isolated, without Node, with our preload; CSP header and no permissions', () => {
    expect(windows).toHaveLength(1)
    const prefs = windows[0].options.webPreferences
    expect(prefs).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true })
    expect(prefs.preload).toMatch(/preload[\\/]index\.cjs$/)
    let headers: any
    headerHook!({ responseHeaders: {} }, (r) => (headers = r.responseHeaders))
    expect(headers['Content-Security-Policy'][0]).toContain("default-src 'self'")
    expect(permissionCheck!(null, 'notifications', 'app://countersign', {})).toBe(false)
  })

  it("answers our window's main frame at app://countersign with the real core, and refuses any other sender", async () => {
    const win = windows[0]
    const state = await handlers.get('app.getState')!(own(), {})
    expect(state.ok).toBe(true)
    expect(state.value.sampleUsers.length).toBeGreaterThanOrEqual(3)

    const stranger = { sender: { id: 99 }, senderFrame: { url: 'https://evil.example/' } }
    expect(await handlers.get('app.getState')!(stranger, {})).toMatchObject({ ok: false, error: { code: 'forbidden_sender' } })
    const subframe = { sender: win.webContents, senderFrame: { url: win.webContents.mainFrame.url } }
    expect(await handlers.get('app.getState')!(subframe, {})).toMatchObject({ ok: false, error: { code: 'forbidden_sender' } })
    const lookalike = { sender: win.webContents, senderFrame: win.webContents.mainFrame }
    win.webContents.mainFrame.url = 'app://countersign.evil/index.html'
    expect(await handlers.get('app.getState')!(lookalike, {})).toMatchObject({ ok: false, error: { code: 'forbidden_sender' } })
    win.webContents.mainFrame.url = 'app://countersign/index.html'
  })

  it('puts a tray icon up with a menu: open, inbox, start at login, quit; updates stay off by default', () => {
    expect(trays).toHaveLength(1)
    expect(trays[0].tooltip).toBe('Countersign: nothing waiting for you')
    const ids = trays[0].menu.template.map((i: any) => i.id ?? i.type)
    expect(ids).toEqual(['open', 'inbox', 'separator', 'login', 'separator', 'quit'])
    expect(updaterLoaded).not.toHaveBeenCalled()
  })

  it('closing the window hides it and says so once; a waiting action still notifies, counts in the tray, and its click opens the card', async () => {
    const win = windows[0]
    win.visible = true
    const close = () => {
      const event = { preventDefault: vi.fn() }
      win.emit('close', event)
      return event
    }
    const first = close()
    expect(first.preventDefault).toHaveBeenCalled()
    expect(win.hide).toHaveBeenCalled()
    const explained = notifications.filter((n) => n.options.title === 'Countersign is still running')
    expect(explained).toHaveLength(1)
    expect(explained[0].show).toHaveBeenCalled()
    win.visible = true
    expect(close().preventDefault).toHaveBeenCalled()
    expect(notifications.filter((n) => n.options.title === 'Countersign is still running')).toHaveLength(1)

    // The real core proposes a write while the window is hidden.
    expect((await handlers.get('accounts.signIn')!(own(), { kind: 'sample', login: 'maria' })).ok).toBe(true)
    const conversation = await handlers.get('conversations.create')!(own(), {})
    await handlers.get('conversations.send')!(own(), { conversationId: conversation.value.id, text: 'Move deal Spring dock hardware order to stage negotiation' })
    await until(() => notifications.some((n) => n.options.title?.startsWith('Approval needed')), 'the approval notification')
    await until(() => trays[0].tooltip === 'Countersign: 1 action waiting for you', 'the tray count')
    expect(menuItem('inbox').label).toBe('Inbox (1 waiting)')

    const notification = notifications.find((n) => n.options.title?.startsWith('Approval needed'))
    expect(notification.show).toHaveBeenCalled()
    const inbox = await handlers.get('actions.inbox')!(own(), {})
    notification.clicks[0]()
    expect(win.visible).toBe(true)
    expect(sent('event:ui.focusAction').at(-1)[1]).toEqual({ actionId: inbox.value[0].id, conversationId: conversation.value.id })
  })

  it("the tray's Inbox item shows the window on the inbox; Open shows it; Quit quits", async () => {
    const win = windows[0]
    win.hide()
    menuItem('inbox').click()
    expect(win.visible).toBe(true)
    expect(sent('event:ui.showInbox')).toHaveLength(1)
    win.hide()
    menuItem('open').click()
    expect(win.visible).toBe(true)
    const { app } = (await import('electron')) as any
    menuItem('quit').click()
    expect(app.quit).toHaveBeenCalled()
  })

  it('Start at login asks the OS for a login item (macOS and Windows) or writes an autostart entry (Linux)', async () => {
    const { app } = (await import('electron')) as any
    menuItem('login').click({ checked: true })
    if (process.platform === 'linux') {
      const { readFileSync } = await import('node:fs')
      expect(readFileSync(join(dataDir, 'config', 'autostart', 'countersign.desktop'), 'utf8')).toContain('--hidden')
      expect(menuItem('login').checked).toBe(true)
    } else {
      expect(app.setLoginItemSettings).toHaveBeenCalledWith(expect.objectContaining({ openAtLogin: true }))
    }
  })

  it('once quitting, closing the window really closes it', () => {
    for (const fn of appListeners.get('before-quit') ?? []) fn()
    const event = { preventDefault: vi.fn() }
    windows[0].emit('close', event)
    expect(event.preventDefault).not.toHaveBeenCalled()
  })
})
