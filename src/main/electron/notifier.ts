// OS notifications and the dock/taskbar badge, in Electron.
import type { BrowserWindow } from 'electron'
import type { EventSink } from '../ipc/events'
import type { Notifier } from '../notify/types'

type ElectronParts = {
  Notification: { new (options: { title: string; body: string; silent?: boolean }): { on(event: 'click', listener: () => void): unknown; show(): void }; isSupported(): boolean }
  app: { setBadgeCount(count: number): boolean }
}

export class ElectronNotifier implements Notifier {
  constructor(
    private readonly electron: ElectronParts,
    private readonly window: () => BrowserWindow | null,
    private readonly events: EventSink
  ) {}

  actionWaiting(input: { actionId: string; conversationId: string; title: string; body: string }): void {
    const win = this.window()
    // A focused window already shows the card; a notification would only interrupt.
    if (win && !win.isDestroyed() && win.isFocused()) return
    if (!this.electron.Notification.isSupported()) return
    const notification = new this.electron.Notification({ title: input.title, body: input.body })
    notification.on('click', () => {
      const w = this.window()
      if (!w || w.isDestroyed()) return
      if (w.isMinimized()) w.restore()
      w.show()
      w.focus()
      this.events.emit('ui.focusAction', { actionId: input.actionId, conversationId: input.conversationId }, null)
    })
    notification.show()
  }

  setBadge(count: number): void {
    this.electron.app.setBadgeCount(count)
    const win = this.window()
    if (win && !win.isDestroyed()) win.setTitle(count > 0 ? `Countersign (${count} waiting)` : 'Countersign')
  }
}
