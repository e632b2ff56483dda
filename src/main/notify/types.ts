// OS notifications and the dock/taskbar badge. Electron implements it; the headless host records.
export interface Notifier {
  /** An action started waiting; `onClick` brings the window forward on that card. */
  actionWaiting(input: { actionId: string; conversationId: string; title: string; body: string }): void
  /** The number of actions waiting for the user, for the badge. */
  setBadge(count: number): void
}

export class RecordingNotifier implements Notifier {
  readonly shown: { actionId: string; conversationId: string; title: string; body: string }[] = []
  badge = 0
  actionWaiting(input: { actionId: string; conversationId: string; title: string; body: string }): void {
    this.shown.push(input)
  }
  setBadge(count: number): void {
    this.badge = count
  }
}
