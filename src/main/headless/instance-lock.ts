// One running host per data folder, like Electron's single-instance lock: a second one refuses
// to start instead of writing the same ledger. A lock left by a killed process is taken over.
import { openSync, writeSync, closeSync, readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'

export class AlreadyRunningError extends Error {
  constructor(pid: number) {
    super(`Countersign is already running with this data folder (process ${pid}).`)
    this.name = 'AlreadyRunningError'
  }
}

export function acquireInstanceLock(dataDir: string): () => void {
  const file = join(dataDir, 'instance.lock')
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, 'wx', 0o600)
      writeSync(fd, String(process.pid))
      closeSync(fd)
      return () => rmSync(file, { force: true })
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
      const pid = Number(readFileSync(file, 'utf8').trim())
      if (pid && pid !== process.pid && isAlive(pid)) throw new AlreadyRunningError(pid)
      rmSync(file, { force: true }) // stale: its process is gone
    }
  }
  throw new Error('Could not take the instance lock.')
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}
