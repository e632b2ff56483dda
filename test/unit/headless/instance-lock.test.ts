// One running host per data folder. The first holder is a real second process, so "alive" is
// real; a holder killed with SIGKILL leaves a stale lock that the next start takes over.
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { AlreadyRunningError, acquireInstanceLock } from '../../../src/main/headless/instance-lock'

const LOCK_MODULE = resolve(import.meta.dirname, '../../../src/main/headless/instance-lock.ts')
const TSX = resolve(import.meta.dirname, '../../../node_modules/tsx/dist/esm/index.mjs')

const dirs: string[] = []
const children: ChildProcess[] = []
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL')
  while (dirs.length) rmSync(dirs.pop()!, { recursive: true, force: true })
})
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'countersign-lock-'))
  dirs.push(d)
  return d
}

/** Starts another Node process that takes the lock on `dir` and then waits. */
function holder(dir: string): Promise<ChildProcess> {
  const code = `
    const { acquireInstanceLock } = await import(${JSON.stringify(LOCK_MODULE)})
    acquireInstanceLock(${JSON.stringify(dir)})
    console.log('locked')
    setInterval(() => {}, 1000)
  `
  const child = spawn(process.execPath, ['--import', TSX, '--input-type=module', '-e', code], { stdio: ['ignore', 'pipe', 'pipe'] })
  children.push(child)
  return new Promise((resolvePromise, reject) => {
    let err = ''
    child.stderr!.on('data', (d) => (err += d))
    child.stdout!.on('data', (d) => {
      if (String(d).includes('locked')) resolvePromise(child)
    })
    child.once('exit', (code) => reject(new Error(`holder exited (${code}): ${err}`)))
  })
}

function exited(child: ChildProcess): Promise<void> {
  return new Promise((r) => (child.exitCode !== null || child.signalCode !== null ? r() : child.once('exit', () => r())))
}

describe('acquireInstanceLock', () => {
  it('takes a free folder, writes our pid, and release frees it', () => {
    const dir = tempDir()
    const release = acquireInstanceLock(dir)
    const file = join(dir, 'instance.lock')
    expect(readFileSync(file, 'utf8').trim()).toBe(String(process.pid))
    release()
    expect(existsSync(file)).toBe(false)
  })

  it('refuses a second lock while another live process holds the folder', async () => {
    const dir = tempDir()
    const child = await holder(dir)
    expect(readFileSync(join(dir, 'instance.lock'), 'utf8').trim()).toBe(String(child.pid))
    expect(() => acquireInstanceLock(dir)).toThrow(AlreadyRunningError)
    try {
      acquireInstanceLock(dir)
    } catch (e) {
      expect((e as Error).message).toContain(String(child.pid))
    }
    // The refusal leaves the holder's lock alone.
    expect(readFileSync(join(dir, 'instance.lock'), 'utf8').trim()).toBe(String(child.pid))
  })

  it('takes over a stale lock left by a process killed with SIGKILL', async () => {
    const dir = tempDir()
    const child = await holder(dir)
    const deadPid = child.pid!
    child.kill('SIGKILL')
    await exited(child)
    expect(readFileSync(join(dir, 'instance.lock'), 'utf8').trim()).toBe(String(deadPid)) // left behind
    const release = acquireInstanceLock(dir)
    expect(readFileSync(join(dir, 'instance.lock'), 'utf8').trim()).toBe(String(process.pid))
    release()
  })

  it('takes over a lock naming a pid that does not exist', () => {
    const dir = tempDir()
    writeFileSync(join(dir, 'instance.lock'), '2147483646')
    const release = acquireInstanceLock(dir)
    expect(readFileSync(join(dir, 'instance.lock'), 'utf8').trim()).toBe(String(process.pid))
    release()
  })

  it('takes over an empty or garbled lock file (a crash while writing it)', () => {
    for (const content of ['', 'garbage']) {
      const dir = tempDir()
      writeFileSync(join(dir, 'instance.lock'), content)
      const release = acquireInstanceLock(dir)
      expect(readFileSync(join(dir, 'instance.lock'), 'utf8').trim()).toBe(String(process.pid))
      release()
    }
  })
})
