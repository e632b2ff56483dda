// Updates that IT controls: electron-updater against a generic feed whose URL (or "off") comes
// from a setting the IT policy can own. Nothing is installed while an approved action is
// executing: a restart then would cut a CRM call in half and leave its outcome unknown.
import type { UpdateSetting } from './shell-settings'

/** The part of electron-updater's AppUpdater we use (injected: the real one needs Electron). */
export interface UpdaterLike {
  autoDownload: boolean
  autoInstallOnAppQuit: boolean
  setFeedURL(options: { provider: 'generic'; url: string }): void
  checkForUpdates(): Promise<unknown>
  quitAndInstall(isSilent?: boolean, isForceRunAfter?: boolean): void
  on(event: 'update-downloaded', listener: (info: { version: string }) => void): unknown
  on(event: 'error', listener: (error: Error) => void): unknown
}

export type UpdateStatus = { state: 'off'; reason: string } | { state: 'checking' } | { state: 'ready'; version: string }

export const UPDATE_CHECK_INTERVAL_MS = 4 * 60 * 60 * 1000

/** The feed URL to use, or why updates are off. Only https, or http on this machine (testing). */
export function feedUrlOf(setting: UpdateSetting): { url: string } | { off: string } {
  if (setting.mode === 'off') return { off: 'Updates are switched off.' }
  let url: URL
  try {
    url = new URL(setting.url)
  } catch {
    return { off: 'The update feed address is not a URL.' }
  }
  const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname)
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) return { off: 'The update feed must use https.' }
  if (url.username || url.password) return { off: 'The update feed address must not carry credentials.' }
  return { url: url.href }
}

export class UpdateController {
  private updater: UpdaterLike | null = null
  private status: UpdateStatus = { state: 'off', reason: 'Updates have not started.' }
  private installRequested = false
  private timer: NodeJS.Timeout | null = null

  constructor(
    private readonly deps: {
      /** Loads electron-updater's autoUpdater (lazily: nothing is loaded while updates are off). */
      load: () => Promise<UpdaterLike>
      setting: () => UpdateSetting
      /** True while any action is executing (app.ledger.inState('executing')). */
      busy: () => boolean
      /** Told when an update is ready, to offer "Restart to install". */
      onStatus?: (status: UpdateStatus) => void
      /** Called right before quitAndInstall, so closing the window really quits. */
      beforeInstall?: () => void
      log?: (message: string) => void
      intervalMs?: number
    }
  ) {}

  current(): UpdateStatus {
    return this.status
  }

  async start(): Promise<UpdateStatus> {
    const feed = feedUrlOf(this.deps.setting())
    if ('off' in feed) return this.set({ state: 'off', reason: feed.off })
    const updater = await this.deps.load()
    this.updater = updater
    updater.autoDownload = true
    updater.autoInstallOnAppQuit = !this.deps.busy()
    updater.setFeedURL({ provider: 'generic', url: feed.url })
    updater.on('update-downloaded', (info) => {
      this.set({ state: 'ready', version: info.version })
      this.refresh()
    })
    updater.on('error', (error) => this.deps.log?.(`[updates] ${error.message}`))
    this.set({ state: 'checking' })
    this.check()
    this.timer = setInterval(() => this.check(), this.deps.intervalMs ?? UPDATE_CHECK_INTERVAL_MS)
    this.timer.unref?.()
    return this.status
  }

  /** Call whenever an action changes state: keeps "install on quit" off while one executes,
   *  and installs a requested update once the last one finishes. */
  refresh(): void {
    const updater = this.updater
    if (!updater) return
    const busy = this.deps.busy()
    updater.autoInstallOnAppQuit = !busy
    if (this.installRequested && !busy && this.status.state === 'ready') this.install(updater)
  }

  /** "Restart to install": now if nothing is executing, else as soon as nothing is. */
  installNow(): 'installing' | 'after-current-action' | 'nothing-to-install' {
    const updater = this.updater
    if (!updater || this.status.state !== 'ready') return 'nothing-to-install'
    if (this.deps.busy()) {
      this.installRequested = true
      updater.autoInstallOnAppQuit = false
      return 'after-current-action'
    }
    this.install(updater)
    return 'installing'
  }

  /** Right before the app quits: a downloaded update installs on quit only if nothing executes. */
  beforeQuit(): void {
    if (this.updater) this.updater.autoInstallOnAppQuit = !this.deps.busy()
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer)
    this.timer = null
  }

  private install(updater: UpdaterLike): void {
    this.installRequested = false
    this.deps.beforeInstall?.()
    updater.quitAndInstall(false, true)
  }

  private check(): void {
    if (!this.updater || this.status.state === 'ready') return
    this.updater.checkForUpdates().catch((error: unknown) => this.deps.log?.(`[updates] check failed: ${error instanceof Error ? error.message : String(error)}`))
  }

  private set(status: UpdateStatus): UpdateStatus {
    this.status = status
    this.deps.onStatus?.(status)
    return status
  }
}
