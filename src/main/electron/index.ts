// Composition root for the Electron app. The only place that decides Electron's adapters:
// electron-store, keytar, OS notifications, the window, the tray, the app:// scheme, updates.
import { app, BrowserWindow, dialog, ipcMain, Menu, nativeImage, Notification, protocol, session, shell as electronShell, Tray } from 'electron'
import { join, resolve } from 'node:path'
import { RENDERER_CSP } from '../../shared/csp'
import { createApp, type CountersignApp } from '../app'
import { SampleConnector, SampleWorkspaceServer, listSampleUsers } from '../crm/sample'
import { TrytonConnector } from '../crm/tryton'
import { defaultManagedPolicySource } from '../policy/organisation'
import { DefaultProviderService } from '../providers/service'
import { KeytarSecretStore } from '../secrets/keytar-store'
import { createElectronStoreFactory } from '../storage/electron-store'
import { makeDataDirPrivate } from '../storage/private-files'
import { keepRunningOnClose, stillRunningMessage } from './close-to-tray'
import { forwardEvents, registerIpc } from './ipc'
import { createLoginItems } from './login-items'
import { ElectronNotifier } from './notifier'
import { APP_SCHEME, APP_SCHEME_PRIVILEGES, createAppProtocolHandler } from './protocol'
import { chooseRendererUrl } from './renderer-url'
import { appOrigin } from './security'
import { ShellSettings } from './shell-settings'
import { CountersignTray } from './tray'
import { UpdateController, type UpdaterLike } from './updater'
import { createMainWindow, hardenSession } from './window'

// Before the app is ready: app:// is a standard, secure origin for the renderer.
protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: APP_SCHEME_PRIVILEGES }])

const development = !app.isPackaged
// A fresh data folder for end-to-end runs of the unpackaged app; an installed app ignores it.
if (development && process.env.COUNTERSIGN_DATA_DIR) app.setPath('userData', resolve(process.env.COUNTERSIGN_DATA_DIR))

if (!app.requestSingleInstanceLock()) {
  // Another Countersign owns the ledger; it is brought forward instead (see 'second-instance').
  app.quit()
} else {
  let window: BrowserWindow | null = null
  let core: CountersignApp | null = null
  let quitting = false
  const rendererUrl = chooseRendererUrl({ development, envUrl: process.env.ELECTRON_RENDERER_URL })
  const expectedOrigin = appOrigin(rendererUrl)
  const resources = join(import.meta.dirname, '../../resources')
  let open: (options?: { show?: boolean }) => BrowserWindow = () => {
    throw new Error('The window cannot open before the app is ready.')
  }

  /** Brings the window forward, opening it again if it was ever destroyed. */
  const showWindow = (): BrowserWindow => {
    if (!window || window.isDestroyed()) return open()
    if (window.isMinimized()) window.restore()
    window.show()
    window.focus()
    return window
  }

  app.on('second-instance', () => {
    if (app.isReady()) showWindow()
  })
  app.on('web-contents-created', (_event, contents) => {
    contents.setWindowOpenHandler(() => ({ action: 'deny' }))
  })
  app.on('before-quit', () => {
    quitting = true
    updates?.beforeQuit()
    void core?.stop()
  })
  // Closing the window hides it (close-to-tray): Countersign quits only when asked to.
  app.on('window-all-closed', () => {})

  let updates: UpdateController | null = null

  void app.whenReady().then(async () => {
    hardenSession(session.defaultSession)
    session.defaultSession.protocol.handle(APP_SCHEME, createAppProtocolHandler({ root: join(import.meta.dirname, '../renderer'), csp: RENDERER_CSP }))

    const dataDir = app.getPath('userData')
    makeDataDirPrivate(dataDir)
    const stores = createElectronStoreFactory(dataDir)
    const secrets = new KeytarSecretStore()
    const clock = () => Date.now()
    const sample = await SampleWorkspaceServer.open(dataDir)
    const shell = new ShellSettings(stores)
    let tray: CountersignTray | null = null
    const app_ = createApp({
      dataDir,
      stores,
      secrets,
      clock,
      notifier: {
        actionWaiting: (input) => notifier.actionWaiting(input),
        setBadge: (n) => {
          notifier.setBadge(n)
          tray?.setWaiting(n)
        }
      },
      connectors: { sample: new SampleConnector(sample), tryton: new TrytonConnector() },
      providers: new DefaultProviderService({ stores, secrets, clock }),
      sampleUsers: listSampleUsers,
      // IT's policy from the platform's own place; never from the environment in the desktop app.
      managedPolicy: defaultManagedPolicySource(),
      // Only ever called with an address openExternalLink has checked (https, no credentials).
      openExternal: (url) => electronShell.openExternal(url)
    })
    core = app_
    const notifier = new ElectronNotifier({ Notification, app }, () => window, app_.events)
    registerIpc({ ipcMain, handlers: app_.handlers, window: () => window, expectedOrigin, log: (message, error) => app_.log.error(message, error) })
    forwardEvents(app_.events, () => window)

    const explainStillRunning = () => {
      const message = stillRunningMessage(process.platform)
      if (Notification.isSupported()) new Notification(message).show()
      else void dialog.showMessageBox({ type: 'info', message: message.title, detail: message.body, buttons: ['OK'] })
    }
    open = (options = {}) => {
      const win = createMainWindow({
        BrowserWindow,
        preload: join(import.meta.dirname, '../preload/index.cjs'),
        rendererUrl,
        expectedOrigin,
        icon: join(resources, 'icon.png'),
        showWhenReady: options.show !== false
      })
      keepRunningOnClose(win, {
        isQuitting: () => quitting,
        explained: () => shell.closeToTrayExplained(),
        markExplained: () => shell.markCloseToTrayExplained(),
        explain: explainStillRunning
      })
      win.on('closed', () => {
        if (window === win) window = null
      })
      window = win
      return win
    }

    const loginItems = createLoginItems({
      platform: process.platform,
      app,
      executable: process.env.APPIMAGE ?? process.execPath,
      configHome: process.env.XDG_CONFIG_HOME || join(app.getPath('home'), '.config')
    })
    updates = new UpdateController({
      load: async () => {
        const mod = (await import('electron-updater')) as unknown as { autoUpdater?: UpdaterLike; default?: { autoUpdater: UpdaterLike } }
        return (mod.autoUpdater ?? mod.default!.autoUpdater) as UpdaterLike
      },
      // IT's policy, where it says anything about updates, wins over the shell's own setting.
      setting: () => app_.updatePolicy() ?? shell.updates(),
      busy: () => app_.ledger.inState('executing').length > 0,
      onStatus: (status) => tray?.setUpdateReady(status.state === 'ready' ? status.version : null),
      beforeInstall: () => {
        quitting = true
      },
      log: (message) => console.warn(message)
    })
    const trayIcon = nativeImage.createFromPath(join(resources, 'icon.png')).resize({ width: 16, height: 16 })
    tray = new CountersignTray(
      { createTray: () => new Tray(trayIcon), buildMenu: (template) => Menu.buildFromTemplate(template) },
      {
        open: () => void showWindow(),
        openInbox: () => {
          showWindow()
          app_.events.emit('ui.showInbox', {}, null)
        },
        quit: () => app.quit(),
        openAtLogin: () => loginItems.isEnabled(),
        setOpenAtLogin: (enabled) => loginItems.setEnabled(enabled),
        installUpdate: () => {
          if (updates?.installNow() === 'after-current-action' && Notification.isSupported()) {
            new Notification({ title: 'Update waits for a running action', body: 'Countersign will restart to update as soon as the approved action that is running has finished.' }).show()
          }
        }
      }
    )
    app_.events.subscribe((name) => {
      if (name === 'action.changed') updates?.refresh()
    })

    open({ show: !loginItems.startedAtLogin(process.argv) })
    await app_.start()
    app.on('activate', () => void showWindow())
    updates.start().catch((error: unknown) => console.warn('[updates] could not start:', error instanceof Error ? error.message : error))
  })
}
