// Start at login: Electron's login items on macOS and Windows, an XDG autostart entry on Linux
// (real files in a temporary folder). Started at login, the window stays in the tray.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'

vi.mock('electron', () => ({}))

import { createLoginItems, HIDDEN_ARG, quoteExecArg } from '../../../src/main/electron/login-items'

const dirs: string[] = []
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

function fakeApp(initial = false, wasOpenedAtLogin = false) {
  let on = initial
  return {
    getLoginItemSettings: vi.fn(() => ({ openAtLogin: on, wasOpenedAtLogin })),
    setLoginItemSettings: vi.fn((s: { openAtLogin: boolean }) => {
      on = s.openAtLogin
    })
  }
}

describe('login items on Windows and macOS', () => {
  it('Windows: registers with --hidden and asks with the same arguments', () => {
    const app = fakeApp()
    const items = createLoginItems({ platform: 'win32', app, executable: 'C:\\Countersign\\Countersign.exe', configHome: '' })
    items.setEnabled(true)
    expect(app.setLoginItemSettings).toHaveBeenCalledWith({ openAtLogin: true, args: [HIDDEN_ARG] })
    expect(items.isEnabled()).toBe(true)
    expect(app.getLoginItemSettings).toHaveBeenLastCalledWith({ args: [HIDDEN_ARG] })
    expect(items.startedAtLogin(['Countersign.exe', HIDDEN_ARG])).toBe(true)
    expect(items.startedAtLogin(['Countersign.exe'])).toBe(false)
  })

  it('macOS: a plain login item; a launch from it is told by wasOpenedAtLogin', () => {
    const app = fakeApp(false, true)
    const items = createLoginItems({ platform: 'darwin', app, executable: '/Applications/Countersign.app', configHome: '' })
    items.setEnabled(true)
    expect(app.setLoginItemSettings).toHaveBeenCalledWith({ openAtLogin: true })
    expect(items.startedAtLogin(['Countersign'])).toBe(true)
  })
})

describe('login items on Linux (XDG autostart)', () => {
  const setup = (executable: string) => {
    const home = mkdtempSync(join(tmpdir(), 'countersign-autostart-'))
    dirs.push(home)
    const app = fakeApp()
    const items = createLoginItems({ platform: 'linux', app, executable, configHome: home })
    return { items, app, file: join(home, 'autostart', 'countersign.desktop') }
  }

  it('writes a desktop entry that starts Countersign hidden, and removes it when switched off', () => {
    const s = setup('/opt/Countersign/countersign')
    expect(s.items.isEnabled()).toBe(false)
    s.items.setEnabled(true)
    expect(s.items.isEnabled()).toBe(true)
    const entry = readFileSync(s.file, 'utf8')
    expect(entry).toMatch(/^\[Desktop Entry\]\n/)
    expect(entry).toContain('Type=Application\n')
    expect(entry).toContain(`Exec=/opt/Countersign/countersign ${HIDDEN_ARG}\n`)
    s.items.setEnabled(false)
    expect(existsSync(s.file)).toBe(false)
    expect(s.items.isEnabled()).toBe(false)
    expect(s.app.setLoginItemSettings).not.toHaveBeenCalled()
  })

  it('quotes an executable path with spaces, quotes, dollars or percents so the entry runs that file', () => {
    const s = setup('/home/a b/Apps/Count$ersign "x" 100%.AppImage')
    s.items.setEnabled(true)
    expect(readFileSync(s.file, 'utf8')).toContain('Exec="/home/a b/Apps/Count\\$ersign \\"x\\" 100%%.AppImage" --hidden\n')
  })

  it('an entry switched off by the desktop (Hidden=true) counts as off', async () => {
    const s = setup('/opt/Countersign/countersign')
    s.items.setEnabled(true)
    const { appendFileSync } = await import('node:fs')
    appendFileSync(s.file, 'Hidden=true\n')
    expect(s.items.isEnabled()).toBe(false)
  })

  it('quoteExecArg leaves plain paths alone', () => {
    expect(quoteExecArg('/usr/bin/countersign')).toBe('/usr/bin/countersign')
  })
})
