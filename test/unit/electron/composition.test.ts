// The Electron composition root, started with `electron` mocked (its binary cannot be fetched on
// these machines): it takes the single-instance lock, hardens the session, registers exactly one
// handler per request, opens one locked-down window with the preload, and the real core behind
// the handlers answers a request from that window and refuses one from elsewhere.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { REQUEST_NAMES } from '../../../src/shared/contract'

const dataDir = mkdtempSync(join(tmpdir(), 'countersign-electron-root-'))
const handlers = new Map<string, (event: unknown, input: unknown) => Promise<any>>()
const appListeners = new Map<string, (...args: unknown[]) => void>()
const windows: any[] = []
let headerHook: ((details: any, callback: (r: any) => void) => void) | null = null

vi.mock('electron', () => {
  class BrowserWindow {
    options: any
    webContents: any
    constructor(options: any) {
      this.options = options
      const mainFrame = { url: '' }
      this.webContents = {
        mainFrame,
        on: vi.fn(),
        send: vi.fn(),
        setWindowOpenHandler: vi.fn()
      }
      windows.push(this)
    }
    once = vi.fn()
    on = vi.fn()
    loadURL = vi.fn(async (url: string) => {
      this.webContents.mainFrame.url = url
    })
    isDestroyed = () => false
    isFocused = () => true
    isMinimized = () => false
    setTitle = vi.fn()
  }
  const app = {
    requestSingleInstanceLock: vi.fn(() => true),
    whenReady: () => Promise.resolve(),
    getPath: () => dataDir,
    getVersion: () => '0.0.0-test',
    on: (event: string, listener: (...args: unknown[]) => void) => appListeners.set(event, listener),
    quit: vi.fn(),
    setBadgeCount: vi.fn()
  }
  const electron = {
    app,
    BrowserWindow,
    ipcMain: { handle: (name: string, fn: any) => handlers.set(name, fn), on: vi.fn() },
    Notification: Object.assign(function () {}, { isSupported: () => false }),
    session: {
      defaultSession: {
        webRequest: { onHeadersReceived: (fn: any) => (headerHook = fn) },
        setPermissionRequestHandler: vi.fn()
      }
    },
    shell: {}
  }
  return { ...electron, default: electron }
})

beforeAll(async () => {
  await import('../../../src/main/electron/index')
  // The composition root finishes asynchronously after whenReady().
  for (let i = 0; i < 100 && windows.length === 0; i++) await new Promise((r) => setTimeout(r, 20))
  await new Promise((r) => setTimeout(r, 100))
})
afterAll(() => rmSync(dataDir, { recursive: true, force: true }))

describe('the Electron composition root', () => {
  it('takes the single-instance lock and brings the window forward on a second launch', async () => {
    const { app } = (await import('electron')) as any
    expect(app.requestSingleInstanceLock).toHaveBeenCalled()
    expect(appListeners.has('second-instance')).toBe(true)
  })

  it('registers exactly one handler per request in the contract', () => {
    expect([...handlers.keys()].sort()).toEqual([...REQUEST_NAMES].sort())
  })

  it('opens one window, sandboxed, isolated, without Node, with our preload and a CSP header', () => {
    expect(windows).toHaveLength(1)
    const prefs = windows[0].options.webPreferences
    expect(prefs).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true })
    expect(prefs.preload).toMatch(/preload[\\/]index\.cjs$/)
    let headers: any
    headerHook!({ responseHeaders: {} }, (r) => (headers = r.responseHeaders))
    expect(headers['Content-Security-Policy'][0]).toContain("default-src 'self'")
  })

  it('answers our window\'s main frame with the real core, and refuses any other sender', async () => {
    const win = windows[0]
    const own = { sender: win.webContents, senderFrame: win.webContents.mainFrame }
    const state = await handlers.get('app.getState')!(own, {})
    expect(state.ok).toBe(true)
    expect(state.value.sampleUsers.length).toBeGreaterThanOrEqual(3)
    expect(state.value.provider.kind).toBe('demo')

    const stranger = { sender: { id: 99 }, senderFrame: { url: 'https://evil.example/' } }
    const refused = await handlers.get('app.getState')!(stranger, {})
    expect(refused).toMatchObject({ ok: false, error: { code: 'forbidden_sender' } })
    const subframe = { sender: win.webContents, senderFrame: { url: win.webContents.mainFrame.url } }
    expect(await handlers.get('app.getState')!(subframe, {})).toMatchObject({ ok: false, error: { code: 'forbidden_sender' } })
  })
})
