// Composition root for the Electron app. The only place that decides Electron's adapters:
// electron-store, keytar, OS notifications, the window.
import { app, BrowserWindow, ipcMain, Notification, session, shell } from 'electron'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { createApp } from '../app'
import { SampleConnector, SampleWorkspaceServer, listSampleUsers } from '../crm/sample'
import { TrytonConnector } from '../crm/tryton'
import { DefaultProviderService } from '../providers/service'
import { KeytarSecretStore } from '../secrets/keytar-store'
import { createElectronStoreFactory } from '../storage/electron-store'
import { ElectronNotifier } from './notifier'
import { forwardEvents, registerIpc } from './ipc'
import { appOrigin } from './security'
import { createMainWindow, hardenSession } from './window'

if (!app.requestSingleInstanceLock()) {
  // Another Countersign owns the ledger; it is brought forward instead (see 'second-instance').
  app.quit()
} else {
  let window: BrowserWindow | null = null
  const rendererUrl = process.env.ELECTRON_RENDERER_URL ?? pathToFileURL(join(import.meta.dirname, '../renderer/index.html')).href
  const expectedOrigin = appOrigin(rendererUrl)

  app.on('second-instance', () => {
    if (!window) return
    if (window.isMinimized()) window.restore()
    window.show()
    window.focus()
  })
  app.on('web-contents-created', (_event, contents) => {
    contents.setWindowOpenHandler(() => ({ action: 'deny' }))
  })

  void app.whenReady().then(async () => {
    hardenSession(session.defaultSession)
    const dataDir = app.getPath('userData')
    const stores = createElectronStoreFactory(dataDir)
    const secrets = new KeytarSecretStore()
    const clock = () => Date.now()
    const sample = await SampleWorkspaceServer.open(dataDir)
    const core = createApp({
      dataDir,
      stores,
      secrets,
      clock,
      notifier: { actionWaiting: (input) => notifier.actionWaiting(input), setBadge: (n) => notifier.setBadge(n) },
      connectors: { sample: new SampleConnector(sample), tryton: new TrytonConnector() },
      providers: new DefaultProviderService({ stores, secrets, clock }),
      sampleUsers: listSampleUsers,
      // Only ever called with an address openExternalLink has checked (https, no credentials).
      openExternal: (url) => shell.openExternal(url)
    })
    const notifier = new ElectronNotifier({ Notification, app }, () => window, core.events)
    registerIpc({ ipcMain, handlers: core.handlers, window: () => window, expectedOrigin })
    forwardEvents(core.events, () => window)

    const open = () => {
      window = createMainWindow({
        BrowserWindow,
        preload: join(import.meta.dirname, '../preload/index.cjs'),
        rendererUrl,
        expectedOrigin,
        icon: join(import.meta.dirname, '../../resources/icon.png')
      })
      window.on('closed', () => (window = null))
    }
    open()
    await core.start()
    app.on('activate', () => {
      if (!window) open()
    })
    app.on('before-quit', () => void core.stop())
  })

  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit()
  })
}
