// Tightening the data folder at start-up: folders 0700, files 0600, and nothing outside it is
// touched, even through a symbolic link inside it.
import { chmodSync, mkdirSync, statSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { ensurePrivateDir, makeDataDirPrivate } from '../../../src/main/storage/private-files'
import { tempDir } from '../../support/test-app'

const mode = (path: string) => (statSync(path).mode & 0o777).toString(8)

describe.runIf(process.platform !== 'win32')('makeDataDirPrivate', () => {
  let dir: ReturnType<typeof tempDir>
  afterEach(() => dir.remove())

  it('tightens folders to 0700 and files to 0600 at every depth, and says how many it changed', () => {
    dir = tempDir()
    const data = join(dir.path, 'data')
    mkdirSync(join(data, 'a', 'b'), { recursive: true })
    chmodSync(data, 0o755)
    chmodSync(join(data, 'a'), 0o775)
    chmodSync(join(data, 'a', 'b'), 0o700)
    writeFileSync(join(data, 'a', 'b', 'x.json'), '{}')
    chmodSync(join(data, 'a', 'b', 'x.json'), 0o644)
    writeFileSync(join(data, 'ro.json'), '{}')
    chmodSync(join(data, 'ro.json'), 0o400)
    expect(makeDataDirPrivate(data)).toBe(3) // a, x.json, ro.json (the root is counted apart)
    expect([mode(data), mode(join(data, 'a')), mode(join(data, 'a', 'b')), mode(join(data, 'a', 'b', 'x.json')), mode(join(data, 'ro.json'))]).toEqual([
      '700',
      '700',
      '700',
      '600',
      '600'
    ])
    expect(makeDataDirPrivate(data)).toBe(0)
  })

  it('does not follow symbolic links out of the data folder', () => {
    dir = tempDir()
    const data = join(dir.path, 'data')
    mkdirSync(data)
    const outsideDir = join(dir.path, 'shared')
    mkdirSync(outsideDir, { mode: 0o755 })
    chmodSync(outsideDir, 0o755)
    const outsideFile = join(dir.path, 'shared.txt')
    writeFileSync(outsideFile, 'x')
    chmodSync(outsideFile, 0o644)
    symlinkSync(outsideDir, join(data, 'link-dir'))
    symlinkSync(outsideFile, join(data, 'link-file'))
    makeDataDirPrivate(data)
    expect(mode(outsideDir)).toBe('755')
    expect(mode(outsideFile)).toBe('644')
  })

  it('ensurePrivateDir creates missing folders as 0700 whatever the umask, and tightens an existing one', () => {
    dir = tempDir()
    const previous = process.umask(0o000)
    try {
      ensurePrivateDir(join(dir.path, 'x', 'y'))
    } finally {
      process.umask(previous)
    }
    expect(mode(join(dir.path, 'x'))).toBe('700')
    expect(mode(join(dir.path, 'x', 'y'))).toBe('700')
    chmodSync(join(dir.path, 'x', 'y'), 0o777)
    ensurePrivateDir(join(dir.path, 'x', 'y'))
    expect(mode(join(dir.path, 'x', 'y'))).toBe('700')
  })
})
