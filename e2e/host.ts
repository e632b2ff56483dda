// Starts, restarts and kills the headless host for end-to-end tests. Each host gets a fresh data
// folder unless one is handed on, and every process started here is stopped by the test.
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { createInterface } from 'node:readline'

const ROOT = resolve(import.meta.dirname, '..')

export interface HostInfo {
  url: string
  port: number
  token: string
  pid: number
}

export interface HostOptions {
  clockOffsetMs?: number
  failpoints?: string
  env?: Record<string, string>
}

export class Host {
  private child: ChildProcess | null = null
  info: HostInfo | null = null
  stderr = ''

  constructor(readonly dataDir: string = mkdtempSync(join(tmpdir(), 'countersign-e2e-'))) {}

  async start(options: HostOptions = {}): Promise<HostInfo> {
    const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src/main/headless/cli.ts')], {
      cwd: ROOT,
      env: {
        ...process.env,
        COUNTERSIGN_DATA_DIR: this.dataDir,
        COUNTERSIGN_SECRETS: process.env.COUNTERSIGN_KEYRING ? 'keychain' : 'memory',
        COUNTERSIGN_RENDERER_DIR: join(ROOT, 'out/renderer'),
        ...(options.clockOffsetMs ? { COUNTERSIGN_CLOCK_OFFSET_MS: String(options.clockOffsetMs) } : {}),
        ...(options.failpoints ? { COUNTERSIGN_FAILPOINTS: options.failpoints } : {}),
        ...options.env
      },
      stdio: ['ignore', 'pipe', 'pipe']
    })
    this.child = child
    child.stderr!.on('data', (d) => (this.stderr += d.toString()))
    const lines = createInterface({ input: child.stdout! })
    this.info = await new Promise<HostInfo>((resolvePromise, reject) => {
      const timer = setTimeout(() => reject(new Error(`host did not start in 30 s: ${this.stderr}`)), 30_000)
      child.once('exit', (code) => {
        clearTimeout(timer)
        reject(new Error(`host exited with ${code}: ${this.stderr}`))
      })
      lines.once('line', (line) => {
        clearTimeout(timer)
        resolvePromise(JSON.parse(line) as HostInfo)
      })
    })
    child.removeAllListeners('exit')
    return this.info
  }

  /** A clean stop (SIGTERM), as when the user quits. */
  async stop(): Promise<void> {
    await this.signal('SIGTERM')
  }

  /** kill -9: no chance to finish anything. */
  async kill9(): Promise<void> {
    await this.signal('SIGKILL')
  }

  async restart(options: HostOptions = {}): Promise<HostInfo> {
    await this.stop()
    return this.start(options)
  }

  private async signal(signal: NodeJS.Signals): Promise<void> {
    const child = this.child
    if (!child || child.exitCode !== null || child.signalCode !== null) return
    const exited = new Promise<void>((r) => child.once('exit', () => r()))
    child.kill(signal)
    await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))])
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL')
      await exited
    }
    this.child = null
  }

  async dispose(): Promise<void> {
    await this.kill9()
    rmSync(this.dataDir, { recursive: true, force: true })
  }
}
