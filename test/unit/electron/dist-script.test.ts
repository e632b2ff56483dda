// `npm run dist` and `npm run test:electron` where Electron cannot be downloaded: each says
// plainly why and exits non-zero, with no stack trace, and builds or runs nothing. Electron's own
// ELECTRON_OVERRIDE_DIST_PATH and ELECTRON_CACHE point at empty folders so this holds on any
// machine, including one where Electron is installed.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'

const ROOT = resolve(import.meta.dirname, '../../..')
const empty = mkdtempSync(join(tmpdir(), 'countersign-no-electron-'))
afterAll(() => rmSync(empty, { recursive: true, force: true }))

function runScript(script: string, args: string[] = []) {
  const env: Record<string, string> = { ...(process.env as Record<string, string>), ELECTRON_OVERRIDE_DIST_PATH: join(empty, 'dist'), ELECTRON_CACHE: join(empty, 'cache') }
  delete env.ELECTRON_MIRROR
  const result = spawnSync(process.execPath, [join(ROOT, 'scripts', script), ...args], { cwd: ROOT, env, encoding: 'utf8', timeout: 30_000 })
  return { status: result.status, output: `${result.stdout}${result.stderr}` }
}

describe('npm run dist without Electron', () => {
  it('says that Electron could not be downloaded here and how to build instead, exits 2, and builds nothing', () => {
    const distBefore = existsSync(join(ROOT, 'dist'))
    const { status, output } = runScript('dist.mjs', ['--linux'])
    expect(status).toBe(2)
    expect(output).toMatch(/cannot build installers on this machine: Electron \d+\.\d+\.\d+ could not be downloaded here/)
    expect(output).toContain('release.yml')
    expect(output).not.toMatch(/^\s+at /m) // no stack trace
    expect(output).not.toMatch(/Error:/)
    expect(existsSync(join(ROOT, 'dist'))).toBe(distBefore)
  })
})

describe('npm run test:electron without Electron', () => {
  it('says the Electron specs did not run and where they do, and exits 1 (not a pass)', () => {
    const { status, output } = runScript('test-electron.mjs')
    expect(status).toBe(1)
    expect(output).toContain('the Electron specs did not run')
    expect(output).toContain('release.yml')
    expect(output).not.toMatch(/^\s+at /m)
  })
})
