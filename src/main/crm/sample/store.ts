// Persistence of the sample workspace: one JSON file, written atomically (temp file, fsync,
// rename, fsync of the folder). A file that cannot be read as a workspace is moved aside as
// workspace.corrupt-<time>.json and reported; it is never silently overwritten.
import { randomBytes } from 'node:crypto'
import { promises as fs } from 'node:fs'
import { join } from 'node:path'
import { workspaceSchema, type WorkspaceData } from './model'

export interface Recovery {
  /** Where the unreadable file was moved. */
  movedTo: string
  reason: string
}

interface Stamp {
  ino: number
  size: number
  mtimeMs: number
}

export class WorkspaceFile {
  readonly dir: string
  readonly path: string
  private stamp: Stamp | null = null

  constructor(dataDir: string) {
    this.dir = join(dataDir, 'sample-workspace')
    this.path = join(this.dir, 'workspace.json')
  }

  /**
   * Reads the workspace. Missing → `create()` is saved and returned. Unreadable → moved aside,
   * reported in `recovery`, and `create()` is saved in its place.
   */
  async open(create: () => WorkspaceData): Promise<{ data: WorkspaceData; recovery: Recovery | null }> {
    await fs.mkdir(this.dir, { recursive: true, mode: 0o700 })
    await this.removeStaleTemps()
    const read = await this.read()
    if (read.kind === 'ok') return { data: read.data, recovery: null }
    const recovery = read.kind === 'corrupt' ? await this.moveAside(read.reason) : null
    const data = create()
    await this.save(data)
    return { data, recovery }
  }

  /** Whether the file was replaced since this process last read or wrote it (another process wrote). */
  async changedOnDisk(): Promise<boolean> {
    const now = await this.statOrNull()
    if (!now || !this.stamp) return now !== this.stamp
    return now.ino !== this.stamp.ino || now.size !== this.stamp.size || now.mtimeMs !== this.stamp.mtimeMs
  }

  async read(): Promise<{ kind: 'ok'; data: WorkspaceData } | { kind: 'missing' } | { kind: 'corrupt'; reason: string }> {
    let text: string
    try {
      const stamp = await this.statOrNull()
      text = await fs.readFile(this.path, 'utf8')
      this.stamp = stamp
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'missing' }
      throw e
    }
    let json: unknown
    try {
      json = JSON.parse(text)
    } catch (e) {
      return { kind: 'corrupt', reason: `not valid JSON (${(e as Error).message})` }
    }
    const parsed = workspaceSchema.safeParse(json)
    if (!parsed.success) {
      const issue = parsed.error.issues[0]
      return { kind: 'corrupt', reason: `not a sample workspace (${issue.path.join('.') || 'root'}: ${issue.message})` }
    }
    return { kind: 'ok', data: parsed.data as WorkspaceData }
  }

  async moveAside(reason: string): Promise<Recovery> {
    const time = new Date().toISOString().replace(/[:.]/g, '-')
    let movedTo = join(this.dir, `workspace.corrupt-${time}.json`)
    for (let n = 2; await fs.stat(movedTo).then(() => true, () => false); n++) {
      movedTo = join(this.dir, `workspace.corrupt-${time}-${n}.json`)
    }
    await fs.rename(this.path, movedTo)
    this.stamp = null
    return { movedTo, reason }
  }

  /** Durable before it returns: temp file, fsync, rename over the old file, fsync the folder. */
  async save(data: WorkspaceData): Promise<void> {
    const tmp = `${this.path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`
    const handle = await fs.open(tmp, 'w', 0o600)
    try {
      await handle.writeFile(JSON.stringify(data, null, 2) + '\n', 'utf8')
      await handle.sync()
    } finally {
      await handle.close()
    }
    try {
      await fs.rename(tmp, this.path)
    } catch (e) {
      await fs.rm(tmp, { force: true })
      throw e
    }
    await this.syncDir()
    this.stamp = await this.statOrNull()
  }

  private async syncDir(): Promise<void> {
    let dir: fs.FileHandle | null = null
    try {
      dir = await fs.open(this.dir, 'r')
      await dir.sync()
    } catch {
      // Some platforms (Windows) cannot open or fsync a folder; the rename is still atomic there.
    } finally {
      await dir?.close()
    }
  }

  private async statOrNull(): Promise<Stamp | null> {
    try {
      const s = await fs.stat(this.path)
      return { ino: s.ino, size: s.size, mtimeMs: s.mtimeMs }
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null
      throw e
    }
  }

  /** Temp files left by a crash mid-write. Recent ones may belong to another process writing now. */
  private async removeStaleTemps(): Promise<void> {
    for (const name of await fs.readdir(this.dir)) {
      if (!name.startsWith('workspace.json.') || !name.endsWith('.tmp')) continue
      const file = join(this.dir, name)
      const s = await fs.stat(file).catch(() => null)
      if (s && Date.now() - s.mtimeMs > 60_000) await fs.rm(file, { force: true })
    }
  }
}
