// The composition root with an update feed set (shell.json): electron-updater is pointed at it,
// a downloaded update is offered in the tray, and "Restart to install" installs it, with the
// real ledger saying nothing is executing. `electron` and `electron-updater` are mocked.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'

const dataDir = mkdtempSync(join(tmpdir(), 'countersign-electron-updates-'))
writeFileSync(join(dataDir, 'shell.json'), JSON.stringify({ closeToTrayExplained: false, updates: { mode: 'feed', url: 'https://updates.example.com/countersign/' } }))
const trays: any[] = []
const appListeners = new Map<string, ((...args: unknown[]) => void)[]>()
const updater = vi.hoisted(() => {
  const listeners = new Map<string, (arg: any) => void>()
  return {
    listeners,
    autoDownload: false,
    autoInstallOnAppQuit: true,
    setFeedURL: vi.fn(),
    checkForUpdates: vi.fn(async () => null),
    quitAndInstall: vi.fn(),
    on: (event: string, fn: (arg: any) => void) => listeners.set(event, fn)
  }
})

vi.mock('electron-updater', () => ({ autoUpdater: updater, default: { autoUpdater: updater } }))
vi.mock('electron', () => {
  class BrowserWindow {
    webContents = { mainFrame: { url: '' }, on: vi.fn(), send: vi.fn(), setWindowOpenHandler: vi.fn() }
    constructor(readonly options: any) {}
    once = vi.fn()
    on = vi.fn()
    loadURL = vi.fn(async (url: string) => {
      this.webContents.mainFrame.url = url
    })
    isDestroyed = () => false
    isFocused = () => false
    isMinimized = () => false
    show = vi.fn()
    hide = vi.fn()
    focus = vi.fn()
    setTitle = vi.fn()
  }
  class Tray {
    menu: any = null
    constructor() {
      trays.push(this)
    }
    setToolTip = vi.fn()
    setTitle = vi.fn()
    setContextMenu = (m: any) => (this.menu = m)
    on = vi.fn()
    destroy = vi.fn()
  }
  const app = {
    isPackaged: true,
    requestSingleInstanceLock: () => true,
    whenReady: () => Promise.resolve(),
    isReady: () => true,
    getPath: () => dataDir,
    setPath: vi.fn(),
    getVersion: () => '0.0.0-test',
    on: (event: string, listener: (...args: unknown[]) => void) => appListeners.set(event, [...(appListeners.get(event) ?? []), listener]),
    quit: vi.fn(),
    setBadgeCount: vi.fn(),
    getLoginItemSettings: () => ({ openAtLogin: false }),
    setLoginItemSettings: vi.fn()
  }
  const electron = {
    app,
    BrowserWindow,
    Tray,
    Menu: { buildFromTemplate: (template: unknown) => ({ template }) },
    nativeImage: { createFromPath: () => ({ resize: () => ({}) }) },
    dialog: { showMessageBox: vi.fn() },
    ipcMain: { handle: vi.fn(), on: vi.fn() },
    Notification: Object.assign(function () {}, { isSupported: () => false }),
    protocol: { registerSchemesAsPrivileged: vi.fn() },
    session: {
      defaultSession: {
        webRequest: { onHeadersReceived: vi.fn() },
        setPermissionRequestHandler: vi.fn(),
        setPermissionCheckHandler: vi.fn(),
        protocol: { handle: vi.fn() }
      }
    }
  }
  return { ...electron, default: electron }
})

beforeAll(async () => {
  await import('../../../src/main/electron/index')
  for (let i = 0; i < 250 && !updater.setFeedURL.mock.calls.length; i++) await new Promise((r) => setTimeout(r, 20))
})
afterAll(() => {
  for (const fn of appListeners.get('before-quit') ?? []) fn()
  rmSync(dataDir, { recursive: true, force: true })
})

describe('the Electron composition root with an update feed', () => {
  it('points electron-updater at the feed from the setting, with background download, and checks', () => {
    expect(updater.setFeedURL).toHaveBeenCalledWith({ provider: 'generic', url: 'https://updates.example.com/countersign/' })
    expect(updater.autoDownload).toBe(true)
    expect(updater.checkForUpdates).toHaveBeenCalled()
  })

  it('offers the downloaded update in the tray, and installs it when nothing is executing', () => {
    const item = () => trays[0].menu.template.find((i: any) => i.id === 'update')
    expect(item()).toBeUndefined()
    updater.listeners.get('update-downloaded')!({ version: '9.9.9' })
    expect(item().label).toBe('Restart to install version 9.9.9')
    item().click()
    expect(updater.quitAndInstall).toHaveBeenCalledTimes(1)
  })

  it('quitting keeps install-on-quit on when nothing executes', () => {
    for (const fn of appListeners.get('before-quit') ?? []) fn()
    expect(updater.autoInstallOnAppQuit).toBe(true)
  })
})
