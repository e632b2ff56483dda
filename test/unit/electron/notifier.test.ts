// OS notifications and the badge. `electron` is mocked; the notifier gets its parts injected.
import { describe, expect, it, vi } from 'vitest'

vi.mock('electron', () => ({ Notification: vi.fn(), app: {} }))

import { ElectronNotifier } from '../../../src/main/electron/notifier'
import { FanOutEventSink } from '../../../src/main/ipc/events'

class FakeNotification {
  static instances: FakeNotification[] = []
  static supported = true
  static isSupported() {
    return FakeNotification.supported
  }
  clickListeners: (() => void)[] = []
  show = vi.fn()
  constructor(readonly options: { title: string; body: string }) {
    FakeNotification.instances.push(this)
  }
  on(event: 'click', listener: () => void) {
    if (event === 'click') this.clickListeners.push(listener)
    return this
  }
  click() {
    for (const l of this.clickListeners) l()
  }
}

function fakeWindow(state: { focused?: boolean; minimized?: boolean; destroyed?: boolean } = {}) {
  return {
    isFocused: vi.fn(() => state.focused ?? false),
    isMinimized: vi.fn(() => state.minimized ?? false),
    isDestroyed: vi.fn(() => state.destroyed ?? false),
    restore: vi.fn(),
    show: vi.fn(),
    focus: vi.fn(),
    setTitle: vi.fn()
  }
}

function setup(win: ReturnType<typeof fakeWindow> | null) {
  FakeNotification.instances = []
  FakeNotification.supported = true
  const app = { setBadgeCount: vi.fn(() => true) }
  const events = new FanOutEventSink()
  const emitted: [string, unknown][] = []
  events.subscribe((name, payload) => emitted.push([name, payload]))
  let current = win
  const notifier = new ElectronNotifier({ Notification: FakeNotification, app }, () => current as never, events)
  return { notifier, app, emitted, closeWindow: () => (current = null) }
}

const waiting = { actionId: 'a1', conversationId: 'c1', title: 'Approval needed: Send a message', body: 'Email Bob about the renewal' }

describe('ElectronNotifier.actionWaiting', () => {
  it('shows nothing when the window is focused (the card is already in view)', () => {
    const s = setup(fakeWindow({ focused: true }))
    s.notifier.actionWaiting(waiting)
    expect(FakeNotification.instances).toHaveLength(0)
  })

  it('shows a notification when the window is not focused', () => {
    const s = setup(fakeWindow({ focused: false }))
    s.notifier.actionWaiting(waiting)
    expect(FakeNotification.instances).toHaveLength(1)
    const n = FakeNotification.instances[0]
    expect(n.options).toMatchObject({ title: waiting.title, body: waiting.body })
    expect(n.show).toHaveBeenCalledTimes(1)
  })

  it('shows a notification when there is no window at all', () => {
    const s = setup(null)
    s.notifier.actionWaiting(waiting)
    expect(FakeNotification.instances).toHaveLength(1)
    expect(FakeNotification.instances[0].show).toHaveBeenCalled()
  })

  it('shows nothing where notifications are unsupported', () => {
    const s = setup(fakeWindow())
    FakeNotification.supported = false
    s.notifier.actionWaiting(waiting)
    expect(FakeNotification.instances).toHaveLength(0)
  })

  it('clicking it restores a minimized window, brings it forward and asks for the card', () => {
    const win = fakeWindow({ minimized: true })
    const s = setup(win)
    s.notifier.actionWaiting(waiting)
    expect(s.emitted).toEqual([])
    FakeNotification.instances[0].click()
    expect(win.restore).toHaveBeenCalled()
    expect(win.show).toHaveBeenCalled()
    expect(win.focus).toHaveBeenCalled()
    expect(s.emitted).toEqual([['ui.focusAction', { actionId: 'a1', conversationId: 'c1' }]])
  })

  it('clicking it does not restore a window that is not minimized, but still focuses it', () => {
    const win = fakeWindow({ minimized: false })
    const s = setup(win)
    s.notifier.actionWaiting(waiting)
    FakeNotification.instances[0].click()
    expect(win.restore).not.toHaveBeenCalled()
    expect(win.focus).toHaveBeenCalled()
    expect(s.emitted).toHaveLength(1)
  })

  it('clicking it after the window closed does nothing (and does not throw)', () => {
    const win = fakeWindow()
    const s = setup(win)
    s.notifier.actionWaiting(waiting)
    s.closeWindow()
    expect(() => FakeNotification.instances[0].click()).not.toThrow()
    expect(win.focus).not.toHaveBeenCalled()
    expect(s.emitted).toEqual([])
  })
})

describe('ElectronNotifier.setBadge', () => {
  it('sets the dock/taskbar badge count and the title', () => {
    const win = fakeWindow()
    const s = setup(win)
    s.notifier.setBadge(3)
    expect(s.app.setBadgeCount).toHaveBeenCalledWith(3)
    expect(win.setTitle).toHaveBeenLastCalledWith(expect.stringContaining('3'))
    s.notifier.setBadge(0)
    expect(s.app.setBadgeCount).toHaveBeenLastCalledWith(0)
    expect(win.setTitle).toHaveBeenLastCalledWith('Countersign')
  })

  it('sets the badge even with no window', () => {
    const s = setup(null)
    s.notifier.setBadge(2)
    expect(s.app.setBadgeCount).toHaveBeenCalledWith(2)
  })
})
