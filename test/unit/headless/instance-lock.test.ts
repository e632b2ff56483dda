// One running host per data folder. The first holder is a real second process, so "alive" is
// real; a holder killed with SIGKILL leaves a stale lock that the next start takes over.
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { AlreadyRunningError, acquireInstanceLock, processStart } from '../../../src/main/headless/instance-lock'

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

/** The process id the lock names. */
function lockPid(dir: string): number {
  return (JSON.parse(readFileSync(join(dir, 'instance.lock'), 'utf8')) as { pid: number }).pid
}

function exited(child: ChildProcess): Promise<void> {
  return new Promise((r) => (child.exitCode !== null || child.signalCode !== null ? r() : child.once('exit', () => r())))
}

describe('acquireInstanceLock', () => {
  it('takes a free folder, writes our pid, and release frees it', () => {
    const dir = tempDir()
    const release = acquireInstanceLock(dir)
    const file = join(dir, 'instance.lock')
    expect(lockPid(dir)).toBe(process.pid)
    release()
    expect(existsSync(file)).toBe(false)
  })

  it('refuses a second lock while another live process holds the folder', async () => {
    const dir = tempDir()
    const child = await holder(dir)
    expect(lockPid(dir)).toBe(child.pid)
    expect(() => acquireInstanceLock(dir)).toThrow(AlreadyRunningError)
    try {
      acquireInstanceLock(dir)
    } catch (e) {
      expect((e as Error).message).toContain(String(child.pid))
    }
    // The refusal leaves the holder's lock alone.
    expect(lockPid(dir)).toBe(child.pid)
  })

  it('takes over a stale lock left by a process killed with SIGKILL', async () => {
    const dir = tempDir()
    const child = await holder(dir)
    const deadPid = child.pid!
    child.kill('SIGKILL')
    await exited(child)
    expect(lockPid(dir)).toBe(deadPid) // left behind
    const release = acquireInstanceLock(dir)
    expect(lockPid(dir)).toBe(process.pid)
    release()
  })

  it('takes over a lock naming a pid that does not exist', () => {
    const dir = tempDir()
    writeFileSync(join(dir, 'instance.lock'), '2147483646')
    const release = acquireInstanceLock(dir)
    expect(lockPid(dir)).toBe(process.pid)
    release()
  })

  it('a lock naming a live process whose id was reused (it started at another time) does not block start-up', async () => {
    const dir = tempDir()
    const child = await holder(dir)
    const lock = JSON.parse(readFileSync(join(dir, 'instance.lock'), 'utf8'))
    expect(lock.start).toEqual(processStart(child.pid!))
    writeFileSync(join(dir, 'instance.lock'), JSON.stringify({ ...lock, start: '1' }))
    const release = acquireInstanceLock(dir)
    expect(lockPid(dir)).toBe(process.pid)
    release()
  })

  it('takes over an empty or garbled lock file (a crash while writing it), or one naming 1, -1, 0 or an old plain pid', () => {
    for (const content of ['', 'garbage', '1', '-1', '0', '{"pid":1}', '{"pid":-1,"start":null}', '[]', 'null', String(process.ppid)]) {
      const dir = tempDir()
      writeFileSync(join(dir, 'instance.lock'), content)
      const release = acquireInstanceLock(dir)
      expect(lockPid(dir)).toBe(process.pid)
      release()
    }
  })
})
