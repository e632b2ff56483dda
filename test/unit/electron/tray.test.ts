// The tray: what a person sees (the count, the menu) and what each item does. `electron` is mocked.
import { describe, expect, it, vi } from 'vitest'

vi.mock('electron', () => ({}))

import { CountersignTray, waitingLabel, type TrayActions } from '../../../src/main/electron/tray'

function setup(platform: NodeJS.Platform = 'linux', loginEnabled = false) {
  const tray = { tooltip: '', title: '', menu: null as any, click: null as null | (() => void), setToolTip: vi.fn(), setTitle: vi.fn(), setContextMenu: vi.fn(), on: vi.fn(), destroy: vi.fn() }
  tray.setToolTip.mockImplementation((t: string) => (tray.tooltip = t))
  tray.setTitle.mockImplementation((t: string) => (tray.title = t))
  tray.setContextMenu.mockImplementation((m: any) => (tray.menu = m))
  tray.on.mockImplementation((_e: string, fn: () => void) => (tray.click = fn))
  let login = loginEnabled
  const actions: TrayActions = {
    open: vi.fn(),
    openInbox: vi.fn(),
    quit: vi.fn(),
    openAtLogin: () => login,
    setOpenAtLogin: vi.fn((on: boolean) => (login = on)),
    installUpdate: vi.fn()
  }
  const t = new CountersignTray({ createTray: () => tray, buildMenu: (template) => ({ template }) }, actions, platform)
  const item = (id: string) => tray.menu.template.find((i: any) => i.id === id)
  return { t, tray, actions, item }
}

describe('CountersignTray', () => {
  it('says how many actions wait, in the tooltip and on the Inbox item', () => {
    const s = setup()
    expect(s.tray.tooltip).toBe('Countersign: nothing waiting for you')
    expect(s.item('inbox').label).toBe('Inbox')
    s.t.setWaiting(1)
    expect(s.tray.tooltip).toBe('Countersign: 1 action waiting for you')
    expect(s.item('inbox').label).toBe('Inbox (1 waiting)')
    s.t.setWaiting(12)
    expect(s.tray.tooltip).toBe('Countersign: 12 actions waiting for you')
    s.t.setWaiting(0)
    expect(s.item('inbox').label).toBe('Inbox')
  })

  it('shows the count beside the menu bar icon on macOS, and clears it at zero', () => {
    const s = setup('darwin')
    s.t.setWaiting(3)
    expect(s.tray.title).toBe('3')
    s.t.setWaiting(0)
    expect(s.tray.title).toBe('')
  })

  it('a click on the icon opens the window on Windows and Linux; on macOS the click opens the menu', () => {
    const linux = setup('linux')
    linux.tray.click!()
    expect(linux.actions.open).toHaveBeenCalled()
    const mac = setup('darwin')
    expect(mac.tray.click).toBeNull()
  })

  it('each menu item does what it says', () => {
    const s = setup()
    expect(s.tray.menu.template.map((i: any) => i.label ?? '—')).toEqual(['Open Countersign', 'Inbox', '—', 'Start at login', '—', 'Quit Countersign'])
    s.item('open').click()
    expect(s.actions.open).toHaveBeenCalled()
    s.item('inbox').click()
    expect(s.actions.openInbox).toHaveBeenCalled()
    s.item('quit').click()
    expect(s.actions.quit).toHaveBeenCalled()
  })

  it('Start at login is a checkbox that reflects and changes the OS setting', () => {
    const s = setup('win32', true)
    expect(s.item('login')).toMatchObject({ type: 'checkbox', checked: true })
    s.item('login').click({ checked: false })
    expect(s.actions.setOpenAtLogin).toHaveBeenCalledWith(false)
    expect(s.item('login').checked).toBe(false)
  })

  it('offers "Restart to install" only once an update is ready', () => {
    const s = setup()
    expect(s.item('update')).toBeUndefined()
    s.t.setUpdateReady('1.2.3')
    expect(s.item('update').label).toBe('Restart to install version 1.2.3')
    s.item('update').click()
    expect(s.actions.installUpdate).toHaveBeenCalled()
    s.t.setUpdateReady(null)
    expect(s.item('update')).toBeUndefined()
  })

  it('a count that is not a whole positive number reads as nothing waiting', () => {
    expect(waitingLabel(-1)).toBe('Nothing waiting for you')
    const s = setup()
    s.t.setWaiting(-4)
    expect(s.item('inbox').label).toBe('Inbox')
  })
})
