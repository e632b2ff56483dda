// Closing the window keeps Countersign in the tray and says so the first time only; quitting quits.
import { describe, expect, it, vi } from 'vitest'

vi.mock('electron', () => ({}))

import { keepRunningOnClose, stillRunningMessage } from '../../../src/main/electron/close-to-tray'

function setup(alreadyExplained = false) {
  let onClose: ((e: { preventDefault(): void }) => void) | null = null
  const window = { on: vi.fn((_name: string, fn: any) => (onClose = fn)), hide: vi.fn() }
  let quitting = false
  let explained = alreadyExplained
  const explain = vi.fn()
  keepRunningOnClose(window, { isQuitting: () => quitting, explained: () => explained, markExplained: () => (explained = true), explain })
  const close = () => {
    const event = { preventDefault: vi.fn() }
    onClose!(event)
    return event
  }
  return { window, explain, close, quit: () => (quitting = true) }
}

describe('keepRunningOnClose', () => {
  it('hides instead of closing, and explains the first time only', () => {
    const s = setup()
    expect(s.close().preventDefault).toHaveBeenCalled()
    expect(s.window.hide).toHaveBeenCalledTimes(1)
    expect(s.explain).toHaveBeenCalledTimes(1)
    expect(s.close().preventDefault).toHaveBeenCalled()
    expect(s.window.hide).toHaveBeenCalledTimes(2)
    expect(s.explain).toHaveBeenCalledTimes(1)
  })

  it('does not explain again after a restart (the flag is remembered)', () => {
    const s = setup(true)
    s.close()
    expect(s.explain).not.toHaveBeenCalled()
  })

  it('lets the window close while quitting', () => {
    const s = setup()
    s.quit()
    const event = s.close()
    expect(event.preventDefault).not.toHaveBeenCalled()
    expect(s.window.hide).not.toHaveBeenCalled()
    expect(s.explain).not.toHaveBeenCalled()
  })

  it('tells people where to find it on each platform and how to quit', () => {
    expect(stillRunningMessage('darwin').body).toContain('menu bar')
    expect(stillRunningMessage('win32').body).toContain('taskbar')
    expect(stillRunningMessage('linux').body).toContain('system tray')
    expect(stillRunningMessage('linux').body).toContain('Quit Countersign')
  })
})
