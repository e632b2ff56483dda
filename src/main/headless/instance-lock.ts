// One running host per data folder, like Electron's single-instance lock: a second one refuses
// to start instead of writing the same ledger. A lock left by a killed process is taken over.
// The lock names its holder by process id AND that process's start time, so a lock whose id was
// since reused by an unrelated process, or that holds nonsense (`1`, `-1`, text), never blocks.
import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs'
import { join } from 'node:path'

export class AlreadyRunningError extends Error {
  constructor(pid: number) {
    super(`Countersign is already running with this data folder (process ${pid}).`)
    this.name = 'AlreadyRunningError'
  }
}

interface Holder {
  pid: number
  /** The process's start time as the OS reports it (Linux: /proc/<pid>/stat); null where unknown. */
  start: string | null
}

export function acquireInstanceLock(dataDir: string): () => void {
  const file = join(dataDir, 'instance.lock')
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(file, 'wx', 0o600)
      writeSync(fd, JSON.stringify({ pid: process.pid, start: processStart(process.pid) } satisfies Holder))
      closeSync(fd)
      return () => rmSync(file, { force: true })
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
      const holder = readHolder(file)
      if (holder && isRunning(holder)) throw new AlreadyRunningError(holder.pid)
      rmSync(file, { force: true }) // stale: its process is gone, or the file is not a lock of ours
    }
  }
  throw new Error('Could not take the instance lock.')
}

function readHolder(file: string): Holder | null {
  try {
    const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'))
    if (!parsed || typeof parsed !== 'object') return null
    const { pid, start } = parsed as Partial<Holder>
    // 0, 1 (init), negative ids (process groups: kill(-1) means "every process") are never a holder.
    if (typeof pid !== 'number' || !Number.isInteger(pid) || pid < 2) return null
    return { pid, start: typeof start === 'string' ? start : null }
  } catch {
    return null
  }
}

function isRunning(holder: Holder): boolean {
  if (holder.pid === process.pid || !isAlive(holder.pid)) return false
  // The id may have been reused by another process since: it started at another time.
  const start = processStart(holder.pid)
  return holder.start === null || start === null || start === holder.start
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/** Linux: field 22 of /proc/<pid>/stat, the start time in clock ticks since boot. */
export function processStart(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null
  } catch {
    return null
  }
}
