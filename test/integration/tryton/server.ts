// The real-server rig for the Tryton connector tests. Each test file calls `useTrytonServer()`
// once: beforeAll copies a cached, seeded SQLite database, starts an SMTP sink and `trytond` on
// 127.0.0.1 (free ports), and afterAll stops both. The seeded database is built once (trytond-admin
// + scripts/tryton/seed.py with Debian's proteus) and cached under
// node_modules/.cache/countersign-tryton/, keyed by a hash of the seed script and the date.
//
// `useTrytonServer({ extraDatabases: ['crm2'] })` makes the same trytond serve more databases:
// each is a copy of the seeded one under another name (so its users, parties and deals have the
// SAME numeric ids), with every opportunity's description suffixed " (<name>)" so a test can
// tell which database was read or written (see `dealName`).
//
// Admin credentials exist only here, in test code. If Tryton is missing and cannot be installed,
// beforeAll throws: the tests fail, they are never skipped.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { createHash } from 'node:crypto'
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll } from 'vitest'
import { SmtpSink } from '../../support/smtp-sink'
import { prepareExtraModules, type ExtraModules } from './extra-modules'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..')
const CACHE_DIR = path.join(ROOT, 'node_modules/.cache/countersign-tryton')
const SEED_SCRIPT = path.join(ROOT, 'scripts/tryton/seed.py')
const INSTALL_SCRIPT = path.join(ROOT, 'scripts/tryton/install.sh')
const PYTHON = '/usr/bin/python3'
const TRYTOND = '/usr/bin/trytond'
const TRYTOND_ADMIN = '/usr/bin/trytond-admin'
const MODULES = ['sale_opportunity', 'account_invoice', 'marketing_automation', 'party_relationship']
/** Languages loaded in the seeded database (Tryton reads translations from each module's .po files). */
const LANGUAGES = ['fr']
export const DB_NAME = 'countersign'
// Test-only admin password, for the throwaway databases this rig creates.
export const ADMIN = { login: 'admin', password: 'admin-Test-Only-9271' }

export interface SeedUser {
  id: number
  login: string
  password: string
  employeeId: number
}

export interface SeedInfo {
  companyId: number
  contactCategoryId: number
  salesRepsGroupId: number
  financeClerksGroupId: number
  opportunityGroupId: number
  parties: Record<'acme' | 'globex' | 'initech' | 'jane' | 'john', number>
  /**
   * sam, olivia: sales reps (own deals only); fiona: finance clerk; amy: may not read or write a
   * deal's amount (field access rule); luke: sees no lost deal (record rule by state); francois:
   * a sales rep whose language is French; claire: works in the second company only.
   */
  users: Record<'sam' | 'olivia' | 'fiona' | 'amy' | 'luke' | 'francois' | 'claire', SeedUser>
  /** globexLost is lost; francoisDeal is François's own. All in the first company. */
  opportunities: Record<'acmeRenewal' | 'acmeUpsell' | 'globexPilot' | 'initechDeal' | 'globexLost' | 'francoisDeal', number>
  /** The second company's opportunities (Claire's). */
  company2Opportunities: Record<'euExpansion' | 'euParis', number>
  company2Id: number
  /** party.relation.type "Works for": Jane works for Acme, John for Globex. */
  worksForTypeId: number
  /** 33 accounts named "<word> Trading Ltd": more than one page of answers. */
  ltdAccounts: number[]
  invoices: Record<'acmeOverdue' | 'globexOverdue' | 'initechCurrent' | 'acmeDraft', number>
  scenarios: Record<'welcome' | 'winback', number>
  today: string
}

// --- a plain JSON-RPC client: "by hand", independent of the connector --------------------

export class RpcError extends Error {
  constructor(
    readonly status: number,
    readonly error: unknown
  ) {
    super(`Tryton RPC failed (HTTP ${status}): ${JSON.stringify(error).slice(0, 400)}`)
  }
  /** Tryton's message for a UserError, e.g. "You are not allowed to access …". */
  get trytonMessage(): string {
    const e = this.error as [string, [string]] | undefined
    return Array.isArray(e) && Array.isArray(e[1]) ? String(e[1][0]) : ''
  }
}

export class HandClient {
  private auth = ''
  userId = 0
  context: Record<string, unknown> = {}

  constructor(readonly url: string) {}

  private async post(method: string, params: unknown[], withAuth: boolean): Promise<unknown> {
    const headers: Record<string, string> = { 'Content-Type': 'application/json' }
    if (withAuth) headers.Authorization = `Session ${this.auth}`
    const res = await fetch(this.url, { method: 'POST', headers, body: JSON.stringify({ id: 1, method, params }) })
    const text = await res.text()
    if (!res.ok) throw new RpcError(res.status, text.slice(0, 200))
    const body = JSON.parse(text) as { result?: unknown; error?: unknown }
    if (body.error) throw new RpcError(res.status, body.error)
    return body.result
  }

  async login(login: string, password: string): Promise<this> {
    const [uid, session] = (await this.post('common.db.login', [login, { password }, 'en'], false)) as [number, string]
    this.userId = uid
    this.auth = Buffer.from(`${login}:${uid}:${session}`).toString('base64')
    this.context = (await this.call('model.res.user.get_preferences', [true, {}])) as Record<string, unknown>
    return this
  }

  call(method: string, params: unknown[]): Promise<unknown> {
    return this.post(method, params, true)
  }

  searchRead(model: string, domain: unknown[], fields: string[] = ['id']): Promise<Record<string, unknown>[]> {
    return this.call(`model.${model}.search_read`, [domain, 0, null, null, fields, this.context]) as Promise<Record<string, unknown>[]>
  }

  async ids(model: string, domain: unknown[]): Promise<string[]> {
    return (await this.searchRead(model, domain)).map((r) => String(r.id)).sort()
  }

  read(model: string, ids: number[], fields: string[]): Promise<Record<string, unknown>[]> {
    return this.call(`model.${model}.read`, [ids, fields, this.context]) as Promise<Record<string, unknown>[]>
  }

  write(model: string, ids: number[], values: Record<string, unknown>): Promise<unknown> {
    return this.call(`model.${model}.write`, [ids, values, this.context])
  }
}

// --- Tryton presence ---------------------------------------------------------------------

function trytonPresent(): boolean {
  if (!fs.existsSync(TRYTOND) || !fs.existsSync(TRYTOND_ADMIN) || !fs.existsSync(PYTHON)) return false
  const r = spawnSync(PYTHON, ['-c', `import trytond, proteus\nfrom trytond.modules import ${MODULES.map((m) => m).join(', ')}`], {
    encoding: 'utf8'
  })
  return r.status === 0
}

function ensureTryton(): void {
  if (trytonPresent()) return
  const r = spawnSync('bash', [INSTALL_SCRIPT], { encoding: 'utf8', timeout: 600_000 })
  if (r.status !== 0 || !trytonPresent()) {
    throw new Error(
      `Tryton 6.0 is not installed and scripts/tryton/install.sh could not install it ` +
        `(exit ${r.status}). The Tryton integration tests need Debian's tryton-server, modules and proteus.\n` +
        `${r.stdout}\n${r.stderr}`.slice(0, 4000)
    )
  }
}

// --- the cached, seeded database ---------------------------------------------------------

function writeConfig(dir: string, extra = ''): string {
  const file = path.join(dir, 'trytond.conf')
  fs.writeFileSync(file, `[database]\nuri = sqlite://\npath = ${dir}\n${extra}`)
  return file
}

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs: number): string {
  const r = spawnSync(cmd, args, { env: { ...process.env, ...env }, encoding: 'utf8', timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 })
  if (r.status !== 0) {
    throw new Error(`${path.basename(cmd)} ${args.join(' ')} failed (exit ${r.status}, signal ${r.signal}):\n${(r.stderr || '').slice(-4000)}`)
  }
  return r.stdout
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

/** Modules from this repository (tryton/modules) added to a server, e.g. Countersign's own. */
interface Extra {
  names: string[]
  modules: ExtraModules
}

function cacheKey(today: string, extra?: Extra): string {
  const h = createHash('sha256')
  h.update(fs.readFileSync(SEED_SCRIPT))
  h.update(MODULES.join(','))
  h.update(LANGUAGES.join(','))
  if (extra) h.update(`+${extra.names.join(',')}:${extra.modules.hash}`)
  h.update(today)
  return h.digest('hex').slice(0, 16)
}

function buildSeededDb(target: string, today: string, extra?: Extra): void {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'countersign-tryton-build-'))
  try {
    const conf = writeConfig(dir)
    fs.writeFileSync(path.join(dir, `${DB_NAME}.sqlite`), '')
    const passFile = path.join(dir, 'admin-pass')
    fs.writeFileSync(passFile, ADMIN.password, { mode: 0o600 })
    const env = { TRYTONPASSFILE: passFile, TRYTOND_CONFIG: conf, DB_NAME, SEED_TODAY: today, PYTHONWARNINGS: 'ignore', ...pythonPathEnv(extra) }
    const modules = [...MODULES, ...(extra?.names ?? [])]
    run(TRYTOND_ADMIN, ['-c', conf, '-d', DB_NAME, '--all', '-u', ...modules, '-l', ...LANGUAGES, '--activate-dependencies', '--email', 'admin@countersign.example'], env, 300_000)
    const out = run(PYTHON, [SEED_SCRIPT], env, 300_000)
    const last = out.trim().split('\n').pop() ?? ''
    const seed = JSON.parse(last) as SeedInfo
    const tmpDb = `${target}.${process.pid}.tmp`
    fs.copyFileSync(path.join(dir, `${DB_NAME}.sqlite`), tmpDb)
    fs.writeFileSync(`${target}.json.${process.pid}.tmp`, JSON.stringify(seed))
    fs.renameSync(`${target}.json.${process.pid}.tmp`, `${target}.json`)
    fs.renameSync(tmpDb, `${target}.sqlite`)
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
}

/** Returns the cached seeded database (path without extension), building it once if needed. */
function pythonPathEnv(extra?: Extra): NodeJS.ProcessEnv {
  if (!extra) return {}
  return { PYTHONPATH: [extra.modules.pythonPath, process.env.PYTHONPATH].filter(Boolean).join(path.delimiter) }
}

async function seededDb(extra?: Extra): Promise<{ base: string; seed: SeedInfo }> {
  fs.mkdirSync(CACHE_DIR, { recursive: true })
  const today = new Date().toISOString().slice(0, 10)
  const key = cacheKey(today, extra)
  const base = path.join(CACHE_DIR, key)
  const ready = (): boolean => fs.existsSync(`${base}.sqlite`) && fs.existsSync(`${base}.json`)
  const lock = path.join(CACHE_DIR, 'build.lock')
  const deadline = Date.now() + 300_000
  while (!ready()) {
    if (Date.now() > deadline) throw new Error('Timed out waiting for the seeded Tryton database to be built.')
    try {
      fs.mkdirSync(lock)
    } catch {
      // Another test file is building it: wait; break a lock left by a dead process.
      try {
        const age = Date.now() - fs.statSync(lock).mtimeMs
        if (age > 240_000) fs.rmSync(lock, { recursive: true, force: true })
      } catch {
        /* gone already */
      }
      await sleep(500)
      continue
    }
    try {
      if (!ready()) {
        buildSeededDb(base, today, extra)
        for (const f of fs.readdirSync(CACHE_DIR)) {
          if (!f.startsWith(key) && f !== 'build.lock' && !f.startsWith('modules-')) fs.rmSync(path.join(CACHE_DIR, f), { force: true, recursive: true })
        }
      }
    } finally {
      fs.rmSync(lock, { recursive: true, force: true })
    }
  }
  return { base, seed: JSON.parse(fs.readFileSync(`${base}.json`, 'utf8')) as SeedInfo }
}

// --- one running server ------------------------------------------------------------------

async function freePort(): Promise<number> {
  const srv = net.createServer()
  await new Promise<void>((resolve, reject) => {
    srv.once('error', reject)
    srv.listen(0, '127.0.0.1', () => resolve())
  })
  const port = (srv.address() as net.AddressInfo).port
  await new Promise<void>((resolve) => srv.close(() => resolve()))
  return port
}

export interface TrytonTestServer {
  url: string
  /** The main seeded database (DB_NAME). */
  database: string
  /** Every database this server serves: DB_NAME first, then the extra ones in the order asked. */
  databases: string[]
  seed: SeedInfo
  sink: SmtpSink
  /** A fresh JSON-RPC client signed in as `login` on `database` (default DB_NAME). */
  hand(login: string, password: string, database?: string): Promise<HandClient>
  /** Signed in as admin (test code only), on `database` (default DB_NAME). */
  admin(database?: string): Promise<HandClient>
  stop(): Promise<void>
  log(): string
}

const live = new Set<ChildProcess>()
process.once('exit', () => {
  for (const c of live) {
    if (c.exitCode === null && c.pid) {
      try {
        process.kill(c.pid, 'SIGKILL')
      } catch {
        /* already gone */
      }
    }
  }
})

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) {
    live.delete(child)
    return
  }
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  child.kill('SIGTERM')
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000)
  await exited
  clearTimeout(timer)
  live.delete(child)
}

/** The seeded deal description as stored in `database` (extra databases carry a suffix). */
export function dealName(seeded: string, database: string): string {
  return database === DB_NAME ? seeded : `${seeded} (${database})`
}

export interface TrytonServerOptions {
  /**
   * More databases for the same server: copies of the seeded one (same ids for every record and
   * user) whose opportunity descriptions read "<seeded> (<name>)".
   */
  extraDatabases?: string[]
  /** Modules from this repository (tryton/modules) to install too, e.g. Countersign's own. */
  extraModules?: string[]
}

function checkDatabaseName(name: string): void {
  if (!/^[a-z][a-z0-9_]{0,30}$/.test(name) || name === DB_NAME) throw new Error(`Not a usable extra database name: ${name}`)
}

/** Copies the seeded database as `name` and marks its deals so a test can tell the copies apart. */
function copyAsExtraDatabase(base: string, dir: string, name: string): void {
  const file = path.join(dir, `${name}.sqlite`)
  fs.copyFileSync(`${base}.sqlite`, file)
  const script =
    'import sqlite3, sys\n' +
    'db = sqlite3.connect(sys.argv[1])\n' +
    "db.execute(\"UPDATE sale_opportunity SET description = description || ' (' || ? || ')'\", (sys.argv[2],))\n" +
    'db.commit()\n'
  run(PYTHON, ['-c', script, file, name], {}, 30_000)
}

export async function startTrytonServer(options: TrytonServerOptions = {}): Promise<TrytonTestServer> {
  const extraDatabases = options.extraDatabases ?? []
  extraDatabases.forEach(checkDatabaseName)
  if (new Set(extraDatabases).size !== extraDatabases.length) throw new Error('Each extra database needs its own name.')
  ensureTryton()
  fs.mkdirSync(CACHE_DIR, { recursive: true })
  const extra = options.extraModules?.length ? { names: options.extraModules, modules: prepareExtraModules(options.extraModules, CACHE_DIR) } : undefined
  const { base, seed } = await seededDb(extra)
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'countersign-tryton-run-'))
  fs.copyFileSync(`${base}.sqlite`, path.join(dir, `${DB_NAME}.sqlite`))
  try {
    for (const name of extraDatabases) copyAsExtraDatabase(base, dir, name)
  } catch (e) {
    fs.rmSync(dir, { recursive: true, force: true })
    throw e
  }
  const sink = new SmtpSink()
  const smtpPort = await sink.start()
  let logText = ''
  let child: ChildProcess | null = null
  let url = ''
  for (let attempt = 0; attempt < 3 && !url; attempt++) {
    const port = await freePort()
    const conf = writeConfig(
      dir,
      `[web]\nlisten = 127.0.0.1:${port}\n[email]\nuri = smtp://127.0.0.1:${smtpPort}\nfrom = countersign-tests@example.com\n` +
        // Tryton sleeps up to 2^n - 1 s after the n-th failed login and answers 429 past
        // max_attempt: a low limit keeps the rate-limit test short.
        `[session]\nmax_attempt = 2\n`
    )
    const proc = spawn(TRYTOND, ['-c', conf], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, PYTHONWARNINGS: 'ignore', ...pythonPathEnv(extra) } })
    live.add(proc)
    const append = (b: Buffer): void => {
      logText = (logText + b.toString('utf8')).slice(-20_000)
    }
    proc.stdout?.on('data', append)
    proc.stderr?.on('data', append)
    const candidate = `http://127.0.0.1:${port}`
    const deadline = Date.now() + 30_000
    while (Date.now() < deadline && proc.exitCode === null) {
      try {
        const res = await fetch(`${candidate}/`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ id: 0, method: 'common.server.version', params: [] }),
          signal: AbortSignal.timeout(2_000)
        })
        if (res.ok) {
          await res.body?.cancel()
          url = candidate
          child = proc
          break
        }
        await res.body?.cancel()
      } catch {
        /* not listening yet */
      }
      await sleep(100)
    }
    if (!url) await stopChild(proc)
  }
  if (!url || !child) {
    await sink.stop()
    fs.rmSync(dir, { recursive: true, force: true })
    throw new Error(`trytond did not start on 127.0.0.1:\n${logText.slice(-4000)}`)
  }
  const running = child
  const databases = [DB_NAME, ...extraDatabases]
  const rpcUrl = (database: string): string => {
    if (!databases.includes(database)) throw new Error(`This test server has no database "${database}" (it has ${databases.join(', ')}).`)
    return `${url}/${database}/`
  }
  let stopped = false
  return {
    url,
    database: DB_NAME,
    databases,
    seed,
    sink,
    hand: (login, password, database = DB_NAME) => new HandClient(rpcUrl(database)).login(login, password),
    admin: (database = DB_NAME) => new HandClient(rpcUrl(database)).login(ADMIN.login, ADMIN.password),
    log: () => logText,
    async stop() {
      if (stopped) return
      stopped = true
      await stopChild(running)
      await sink.stop()
      fs.rmSync(dir, { recursive: true, force: true })
    }
  }
}

/** Registers beforeAll/afterAll for this test file and returns a getter for the server. */
export function useTrytonServer(options: TrytonServerOptions = {}): () => TrytonTestServer {
  let server: TrytonTestServer | null = null
  beforeAll(async () => {
    server = await startTrytonServer(options)
  }, 360_000)
  afterAll(async () => {
    await server?.stop()
  }, 30_000)
  return () => {
    if (!server) throw new Error('The Tryton test server is not running (beforeAll failed).')
    return server
  }
}
