// The tray (menu bar on macOS) icon that keeps Countersign reachable with its window closed: the
// number of actions waiting, and a menu to open the window, open the inbox, start at login,
// install a downloaded update and quit.
import type { MenuItemConstructorOptions } from 'electron'

export interface TrayLike {
  setToolTip(text: string): void
  setTitle(title: string): void
  setContextMenu(menu: unknown): void
  on(event: 'click', listener: () => void): unknown
  destroy(): void
}

export type TrayParts = {
  createTray: () => TrayLike
  buildMenu: (template: MenuItemConstructorOptions[]) => unknown
}

export interface TrayActions {
  open(): void
  openInbox(): void
  quit(): void
  openAtLogin(): boolean
  setOpenAtLogin(enabled: boolean): void
  installUpdate(): void
}

export function waitingLabel(count: number): string {
  if (count <= 0) return 'Nothing waiting for you'
  return count === 1 ? '1 action waiting for you' : `${count} actions waiting for you`
}

export class CountersignTray {
  private readonly tray: TrayLike
  private waiting = 0
  private updateVersion: string | null = null
  private template: MenuItemConstructorOptions[] = []

  constructor(
    private readonly parts: TrayParts,
    private readonly actions: TrayActions,
    private readonly platform: NodeJS.Platform = process.platform
  ) {
    this.tray = parts.createTray()
    // On macOS a click opens the menu; elsewhere it opens the window, as people expect.
    if (platform !== 'darwin') this.tray.on('click', () => actions.open())
    this.render()
  }

  setWaiting(count: number): void {
    this.waiting = Math.max(0, Math.floor(count))
    this.render()
  }

  setUpdateReady(version: string | null): void {
    this.updateVersion = version
    this.render()
  }

  /** The menu as last built, for tests and diagnostics. */
  menu(): readonly MenuItemConstructorOptions[] {
    return this.template
  }

  destroy(): void {
    this.tray.destroy()
  }

  private render(): void {
    const count = this.waiting
    this.tray.setToolTip(`Countersign: ${waitingLabel(count).toLowerCase()}`)
    // macOS shows text beside the menu bar icon; elsewhere setTitle does nothing visible.
    if (this.platform === 'darwin') this.tray.setTitle(count > 0 ? String(count) : '')
    this.template = [
      { id: 'open', label: 'Open Countersign', click: () => this.actions.open() },
      { id: 'inbox', label: count > 0 ? `Inbox (${count} waiting)` : 'Inbox', click: () => this.actions.openInbox() },
      { type: 'separator' },
      {
        id: 'login',
        label: 'Start at login',
        type: 'checkbox',
        checked: this.actions.openAtLogin(),
        click: (item) => {
          this.actions.setOpenAtLogin(item.checked)
          this.render()
        }
      },
      ...(this.updateVersion
        ? [{ id: 'update', label: `Restart to install version ${this.updateVersion}`, click: () => this.actions.installUpdate() } satisfies MenuItemConstructorOptions]
        : []),
      { type: 'separator' },
      { id: 'quit', label: 'Quit Countersign', click: () => this.actions.quit() }
    ]
    this.tray.setContextMenu(this.parts.buildMenu(this.template))
  }
}
