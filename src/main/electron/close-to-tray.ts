// Closing the window keeps Countersign running in the tray, so a new approval still raises a
// notification and the badge. The first time, it says so. Quitting (tray menu, Cmd+Q, an update,
// log-out) really quits.
export interface ClosableWindow {
  on(event: 'close', listener: (event: { preventDefault(): void }) => void): unknown
  hide(): void
}

export function keepRunningOnClose(
  window: ClosableWindow,
  options: {
    isQuitting: () => boolean
    explained: () => boolean
    markExplained: () => void
    /** Tells the person, once, that Countersign is still running and where to find it. */
    explain: () => void
  }
): void {
  window.on('close', (event) => {
    if (options.isQuitting()) return
    event.preventDefault()
    window.hide()
    if (!options.explained()) {
      options.markExplained()
      options.explain()
    }
  })
}

export function stillRunningMessage(platform: NodeJS.Platform): { title: string; body: string } {
  const where = platform === 'darwin' ? 'menu bar' : platform === 'win32' ? 'notification area of the taskbar' : 'system tray'
  return {
    title: 'Countersign is still running',
    body: `It stays in the ${where} so approvals can still reach you. To quit, choose Quit Countersign from its menu there.`
  }
}
