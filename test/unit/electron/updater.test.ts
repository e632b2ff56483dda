// Updates IT controls: off unless a feed is set (nothing loaded at all), https feeds only, and
// never an install while an approved action is executing, neither on request nor on quit.
// electron-updater is replaced by a fake with the same surface; the settings store is real.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'

vi.mock('electron', () => ({}))

import { ShellSettings, type UpdateSetting } from '../../../src/main/electron/shell-settings'
import { feedUrlOf, UpdateController, type UpdaterLike } from '../../../src/main/electron/updater'
import { createNodeStoreFactory } from '../../../src/main/storage/node-store'

class FakeUpdater implements UpdaterLike {
  autoDownload = false
  autoInstallOnAppQuit = true
  feed: unknown = null
  checks = 0
  installs: [boolean | undefined, boolean | undefined][] = []
  listeners = new Map<string, (arg: any) => void>()
  setFeedURL(options: unknown) {
    this.feed = options
  }
  async checkForUpdates() {
    this.checks++
    return null
  }
  quitAndInstall(isSilent?: boolean, isForceRunAfter?: boolean) {
    this.installs.push([isSilent, isForceRunAfter])
  }
  on(event: string, listener: (arg: any) => void) {
    this.listeners.set(event, listener)
    return this
  }
  downloaded(version: string) {
    this.listeners.get('update-downloaded')!({ version })
  }
}

const controllers: UpdateController[] = []
afterEach(() => {
  for (const c of controllers.splice(0)) c.stop()
})

function setup(setting: UpdateSetting, busy = false) {
  const updater = new FakeUpdater()
  const load = vi.fn(async () => updater)
  const state = { busy }
  const statuses: unknown[] = []
  const beforeInstall = vi.fn()
  const controller = new UpdateController({ load, setting: () => setting, busy: () => state.busy, onStatus: (s) => statuses.push(s), beforeInstall })
  controllers.push(controller)
  return { updater, load, state, statuses, beforeInstall, controller }
}

const FEED: UpdateSetting = { mode: 'feed', url: 'https://updates.example.com/countersign/' }

describe('UpdateController', () => {
  it('with updates off, loads nothing and checks nothing', async () => {
    const s = setup({ mode: 'off' })
    expect(await s.controller.start()).toEqual({ state: 'off', reason: 'Updates are switched off.' })
    expect(s.load).not.toHaveBeenCalled()
  })

  it('with a feed, points electron-updater at it (generic provider), downloads in the background and checks', async () => {
    const s = setup(FEED)
    expect(await s.controller.start()).toEqual({ state: 'checking' })
    expect(s.updater.feed).toEqual({ provider: 'generic', url: 'https://updates.example.com/countersign/' })
    expect(s.updater.autoDownload).toBe(true)
    expect(s.updater.checks).toBe(1)
  })

  it('checks again on its interval until an update is ready', async () => {
    vi.useFakeTimers()
    try {
      const updater = new FakeUpdater()
      const c = new UpdateController({ load: async () => updater, setting: () => FEED, busy: () => false, intervalMs: 1000 })
      controllers.push(c)
      await c.start()
      vi.advanceTimersByTime(3000)
      expect(updater.checks).toBe(4)
      updater.downloaded('2.0.0')
      vi.advanceTimersByTime(3000)
      expect(updater.checks).toBe(4)
    } finally {
      vi.useRealTimers()
    }
  })

  it('a downloaded update is offered, and installs at once when nothing is executing', async () => {
    const s = setup(FEED)
    await s.controller.start()
    s.updater.downloaded('1.4.0')
    expect(s.statuses.at(-1)).toEqual({ state: 'ready', version: '1.4.0' })
    expect(s.controller.installNow()).toBe('installing')
    expect(s.beforeInstall).toHaveBeenCalled()
    expect(s.updater.installs).toEqual([[false, true]])
  })

  it('"Restart to install" while an action executes waits, then installs once the action has finished', async () => {
    const s = setup(FEED, true)
    await s.controller.start()
    s.updater.downloaded('1.4.0')
    expect(s.controller.installNow()).toBe('after-current-action')
    expect(s.updater.installs).toEqual([])
    s.controller.refresh() // another action changed, but one still executes
    expect(s.updater.installs).toEqual([])
    s.state.busy = false
    s.controller.refresh()
    expect(s.updater.installs).toHaveLength(1)
    s.controller.refresh()
    expect(s.updater.installs).toHaveLength(1) // exactly once
  })

  it('never installs on quit while an action executes; does once it has finished', async () => {
    const s = setup(FEED)
    await s.controller.start()
    s.updater.downloaded('1.4.0')
    expect(s.updater.autoInstallOnAppQuit).toBe(true)
    s.state.busy = true
    s.controller.refresh()
    expect(s.updater.autoInstallOnAppQuit).toBe(false)
    s.controller.beforeQuit()
    expect(s.updater.autoInstallOnAppQuit).toBe(false)
    s.state.busy = false
    s.controller.beforeQuit()
    expect(s.updater.autoInstallOnAppQuit).toBe(true)
    expect(s.updater.installs).toEqual([]) // quitting installs through electron-updater's own quit hook
  })

  it('nothing to install before a download', async () => {
    const s = setup(FEED)
    await s.controller.start()
    expect(s.controller.installNow()).toBe('nothing-to-install')
    expect(s.updater.installs).toEqual([])
  })
})

describe('feedUrlOf', () => {
  it.each([
    ['http://updates.example.com/', 'The update feed must use https.'],
    ['ftp://updates.example.com/', 'The update feed must use https.'],
    ['https://user:pw@updates.example.com/', 'The update feed address must not carry credentials.'],
    ['file:///tmp/feed', 'The update feed must use https.']
  ])('refuses %s', (url, reason) => {
    expect(feedUrlOf({ mode: 'feed', url })).toEqual({ off: reason })
  })
  it('accepts https, and http to this machine (for testing a feed)', () => {
    expect(feedUrlOf(FEED)).toEqual({ url: 'https://updates.example.com/countersign/' })
    expect(feedUrlOf({ mode: 'feed', url: 'http://127.0.0.1:8080/feed' })).toEqual({ url: 'http://127.0.0.1:8080/feed' })
  })
})

describe('ShellSettings.updates (the setting IT policy will own)', () => {
  const dirs: string[] = []
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
  })
  const settingsWith = (content: string | null) => {
    const dir = mkdtempSync(join(tmpdir(), 'countersign-shell-'))
    dirs.push(dir)
    if (content !== null) writeFileSync(join(dir, 'shell.json'), content)
    return new ShellSettings(createNodeStoreFactory(dir))
  }

  it('is off by default', () => {
    expect(settingsWith(null).updates()).toEqual({ mode: 'off' })
  })
  it('reads a feed from shell.json', () => {
    expect(settingsWith(JSON.stringify({ updates: { mode: 'feed', url: 'https://u.example.com/' } })).updates()).toEqual({ mode: 'feed', url: 'https://u.example.com/' })
  })
  it.each([
    JSON.stringify({ updates: { mode: 'feed' } }),
    JSON.stringify({ updates: { mode: 'feed', url: 'not a url' } }),
    JSON.stringify({ updates: { mode: 'sometimes' } }),
    JSON.stringify({ updates: 'on' })
  ])('a setting that does not parse means off, never a guess: %s', (content) => {
    expect(settingsWith(content).updates()).toEqual({ mode: 'off' })
  })
  it('remembers that closing to the tray was explained', () => {
    const s = settingsWith(null)
    expect(s.closeToTrayExplained()).toBe(false)
    s.markCloseToTrayExplained()
    expect(s.closeToTrayExplained()).toBe(true)
  })
})
