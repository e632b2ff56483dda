// The sample workspace server: holds the data and enforces its own permissions on every call,
// exactly as a CRM server would. The app reaches it only through a user's session token; there
// is no call that acts without one. Test-only administration lives in ./admin.ts.
import { randomBytes } from 'node:crypto'
import type { SessionUser } from '../../../shared/domain'
import {
  CrmError,
  type Automation,
  type CrmRecord,
  type FieldValue,
  type OutgoingMessage,
  type OverdueInvoice,
  type Recipient,
  type Reconciliation,
  type RecordType,
  type SearchPage,
  type SearchQuery,
  type WriteResult
} from '../types'
import { FIELDS, RECORD_TYPES } from '../types'
import { ID_PREFIX, versionOf, type SampleUser, type StoredAutomation, type StoredRecord, type WorkspaceData } from './model'
import { checkWhere, clampLimit, findRecord, matches, nameOf, readable, show, toCrmRecord, TYPE_NAME, validateFields } from './records'
import { can, type Decision } from './rules'
import { parseOrgPolicy } from '../../../shared/org-policy'
import type { OrganisationPolicyRead } from '../types'
import { createSeedWorkspace, isoDate, SEED_USERS } from './seed'
import { WorkspaceFile, type Recovery } from './store'

export interface SampleServerOptions {
  /** Clock used for the seed's dates and for timestamps. */
  now?: () => Date
  /** Called when an unreadable workspace file was moved aside. */
  onRecovery?: (recovery: Recovery) => void
}

/** Key to the administrative port used by ./admin.ts (tests only). */
export const ADMIN_PORT = Symbol('sample-workspace-admin')

export interface AdminPort {
  snapshot(): Promise<WorkspaceData>
  /** Applies `change` to a copy of the data and saves it durably, bypassing permissions. */
  mutate<T>(change: (ws: WorkspaceData) => T): Promise<T>
  setOffline(offline: boolean): void
}

const DAY = 86_400_000

function refuseUnless(decision: Decision, prefix = ''): void {
  if (!decision.allowed) throw new CrmError('permission', prefix + decision.reason)
}

function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined)
    return `{${entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`
  }
  return JSON.stringify(value) ?? 'null'
}

function toSessionUser(u: SampleUser): SessionUser {
  return { id: u.id, name: u.name, login: u.login, groups: u.team ? [u.role, `Team ${u.team}`] : [u.role] }
}

function toAutomation(ws: WorkspaceData, a: StoredAutomation): Automation {
  return { id: a.id, name: a.name, description: a.description, active: a.active, version: versionOf(ws.workspaceId, a.revision) }
}

/** One collator for every search: `localeCompare` builds one per call. */
const byLabel = new Intl.Collator().compare

export class SampleWorkspaceServer {
  private readonly sessions = new Map<string, string>()
  private offline = false
  private queue: Promise<unknown> = Promise.resolve()

  private constructor(
    private readonly file: WorkspaceFile,
    private data: WorkspaceData,
    /** Set when the workspace file was unreadable at start and was moved aside. */
    readonly recovery: Recovery | null,
    private readonly now: () => Date,
    private readonly onRecovery: (recovery: Recovery) => void
  ) {}

  /** Opens `<dataDir>/sample-workspace/workspace.json`, creating it from the seed on first run. */
  static async open(dataDir: string, options: SampleServerOptions = {}): Promise<SampleWorkspaceServer> {
    const now = options.now ?? (() => new Date())
    const onRecovery = options.onRecovery ?? (() => {})
    const file = new WorkspaceFile(dataDir)
    const { data, recovery } = await file.open(() => createSeedWorkspace(now()))
    if (recovery) onRecovery(recovery)
    // People added to the seed since this workspace was created (the administrator) join it.
    const missing = SEED_USERS.filter((u) => !data.users.some((x) => x.id === u.id || x.login === u.login))
    if (missing.length > 0) {
      data.users.push(...missing.map((u) => ({ ...u, permissions: [...u.permissions] })))
      await file.save(data)
    }
    return new SampleWorkspaceServer(file, data, recovery, now, onRecovery)
  }

  get filePath(): string {
    return this.file.path
  }

  // ── sessions ────────────────────────────────────────────────────────────────────────────

  login(login: string): Promise<{ token: string; user: SessionUser }> {
    return this.run(() => {
      const wanted = String(login ?? '').trim().toLowerCase()
      const user = this.data.users.find((u) => u.login.toLowerCase() === wanted)
      if (!user) throw new CrmError('auth', `There is no user "${String(login)}" in the sample workspace`)
      const token = randomBytes(32).toString('base64url')
      this.sessions.set(token, user.id)
      return { token, user: toSessionUser(user) }
    })
  }

  async logout(token: string): Promise<void> {
    this.sessions.delete(token)
  }

  // ── reads ───────────────────────────────────────────────────────────────────────────────

  async search(token: string, type: RecordType, query: SearchQuery = {}): Promise<CrmRecord[]> {
    return (await this.find(token, type, query)).records
  }

  /** One page of the matches (by label) and how many match in all. */
  find(token: string, type: RecordType, query: SearchQuery = {}): Promise<SearchPage> {
    return this.read(token, (ws, user) => {
      this.checkType(type)
      refuseUnless(can(user, 'read', { kind: 'records', type }))
      checkWhere(type, query.where)
      const all = ws.records[type]
        .filter((r) => readable(user, type, r))
        .map((r) => toCrmRecord(ws, user, type, r))
        .filter((r) => matches(type, r, query))
        .sort((a, b) => byLabel(a.label, b.label))
      const offset = Math.max(0, Math.floor(query.offset ?? 0))
      return { records: all.slice(offset, offset + clampLimit(query.limit)), total: all.length, offset }
    })
  }

  /** null when the record does not exist or is hidden from this user; refused when the whole type is. */
  get(token: string, type: RecordType, id: string): Promise<CrmRecord | null> {
    return this.read(token, (ws, user) => {
      this.checkType(type)
      refuseUnless(can(user, 'read', { kind: 'records', type }))
      const r = findRecord(ws, type, id)
      return r && readable(user, type, r) ? toCrmRecord(ws, user, type, r) : null
    })
  }

  listOverdueInvoices(token: string, asOf: Date): Promise<OverdueInvoice[]> {
    return this.read(token, (ws, user) => {
      refuseUnless(can(user, 'read', { kind: 'records', type: 'invoice' }))
      const day = isoDate(asOf)
      const asOfMs = Date.parse(`${day}T00:00:00Z`)
      return ws.records.invoice
        .filter((r) => readable(user, 'invoice', r))
        .filter((r) => r.fields.state === 'posted' && Number(r.fields.amountOpen) > 0 && String(r.fields.dueDate) < day)
        .map((r) => {
          const rec = toCrmRecord(ws, user, 'invoice', r)
          const dueDate = String(r.fields.dueDate)
          return {
            id: r.id,
            number: String(r.fields.number),
            account: { id: String(r.fields.accountId), name: String(rec.fields.accountName ?? '') },
            dueDate,
            daysOverdue: Math.round((asOfMs - Date.parse(`${dueDate}T00:00:00Z`)) / DAY),
            total: Number(r.fields.total),
            amountOpen: Number(r.fields.amountOpen),
            currency: String(r.fields.currency)
          }
        })
        .sort((a, b) => b.daysOverdue - a.daysOverdue)
    })
  }

  listAutomations(token: string): Promise<Automation[]> {
    return this.read(token, (ws, user) => {
      refuseUnless(can(user, 'read', { kind: 'automations' }))
      return ws.automations.map((a) => toAutomation(ws, a))
    })
  }

  getAutomation(token: string, id: string): Promise<Automation | null> {
    return this.read(token, (ws, user) => {
      refuseUnless(can(user, 'read', { kind: 'automations' }))
      const a = ws.automations.find((x) => x.id === id)
      return a ? toAutomation(ws, a) : null
    })
  }

  /** Contact ids or addresses of contacts this user can read; anything else is refused. */
  resolveRecipients(token: string, to: string[], about: { type: RecordType; id: string } | null): Promise<Recipient[]> {
    return this.read(token, (ws, user) => {
      refuseUnless(can(user, 'send', { kind: 'messages' }))
      this.checkAbout(ws, user, about)
      return this.resolve(ws, user, to)
    })
  }

  reconcile(token: string, key: string): Promise<Reconciliation> {
    return this.read(token, (ws, user) => {
      const entry = ws.applied[key]
      if (!entry) return { status: 'not_applied' }
      if (entry.userId !== user.id) throw new CrmError('permission', `${user.name} may not look up another user's write`)
      return { status: 'applied', result: entry.result }
    })
  }

  // ── writes ──────────────────────────────────────────────────────────────────────────────

  createRecord(token: string, type: RecordType, fields: Record<string, FieldValue>, key: string): Promise<WriteResult> {
    return this.write(token, key, 'create', { type, fields }, (ws, user) => {
      this.checkType(type)
      refuseUnless(can(user, 'create', { kind: 'records', type }))
      const values = validateFields(ws, user, type, fields, 'create')
      const id = `${ID_PREFIX[type]}-${ws.nextId[type]}`
      ws.nextId[type] += 1
      const stored: StoredRecord = { id, revision: 1, modifiedAt: this.now().toISOString(), modifiedBy: user.id, fields: {} }
      for (const f of Object.keys(FIELDS[type])) stored.fields[f] = values[f] ?? null
      if (type === 'deal') {
        stored.fields.stage ??= 'prospecting'
        stored.fields.ownerId = user.id
        stored.fields.team = user.team
      }
      ws.records[type].push(stored)
      return {
        summary: `${TYPE_NAME[type]} "${nameOf(type, stored)}" created`,
        record: { type, id, version: versionOf(ws.workspaceId, stored.revision) }
      }
    })
  }

  updateRecord(
    token: string,
    type: RecordType,
    id: string,
    expectedVersion: string,
    changes: Record<string, FieldValue>,
    key: string
  ): Promise<WriteResult> {
    return this.write(token, key, 'update', { type, id, expectedVersion, changes }, (ws, user) => {
      this.checkType(type)
      refuseUnless(can(user, 'update', { kind: 'records', type }))
      const r = findRecord(ws, type, id)
      if (!r) throw new CrmError('not_found', `${TYPE_NAME[type]} ${id} does not exist`)
      refuseUnless(can(user, 'update', { kind: 'record', type, id, fields: r.fields }))
      const current = versionOf(ws.workspaceId, r.revision)
      if (current !== expectedVersion) {
        throw new CrmError('conflict', `${TYPE_NAME[type]} "${nameOf(type, r)}" changed since it was shown (version ${expectedVersion}, now ${current})`)
      }
      const values = validateFields(ws, user, type, changes, 'update')
      const diffs = Object.entries(values)
        .filter(([f, v]) => r.fields[f] !== v)
        .map(([f, v]) => `${f} ${show(r.fields[f])} → ${show(v)}`)
      const name = nameOf(type, r)
      Object.assign(r.fields, values)
      this.touch(r, user)
      return {
        summary: `${TYPE_NAME[type]} "${name}" updated: ${diffs.length ? diffs.join(', ') : 'no values changed'}`,
        record: { type, id, version: versionOf(ws.workspaceId, r.revision) }
      }
    })
  }

  sendMessage(token: string, message: OutgoingMessage, key: string): Promise<WriteResult> {
    return this.write(token, key, 'send', message, (ws, user) => {
      refuseUnless(can(user, 'send', { kind: 'messages' }))
      this.checkAbout(ws, user, message.about)
      const to = this.resolve(ws, user, (message.to ?? []).map((r) => r.address))
      const subject = String(message.subject ?? '').trim()
      if (!subject) throw new CrmError('invalid', 'A message needs a subject')
      const id = `${ID_PREFIX.message}-${ws.nextId.message ?? 1}`
      ws.nextId.message = (ws.nextId.message ?? 1) + 1
      ws.outbox.push({
        id,
        to,
        subject,
        body: String(message.body ?? ''),
        about: message.about ? { type: message.about.type, id: message.about.id } : null,
        sentBy: user.id,
        at: this.now().toISOString(),
        idempotencyKey: key
      })
      return { summary: `Message "${subject}" sent to ${to.map((r) => `${r.name} <${r.address}>`).join(', ')}` }
    })
  }

  setAutomation(token: string, id: string, active: boolean, expectedVersion: string, key: string): Promise<WriteResult> {
    return this.write(token, key, 'automation', { id, active, expectedVersion }, (ws, user) => {
      refuseUnless(can(user, 'switch', { kind: 'automations' }))
      if (typeof active !== 'boolean') throw new CrmError('invalid', 'An automation is switched on (true) or off (false)')
      const a = ws.automations.find((x) => x.id === id)
      if (!a) throw new CrmError('not_found', `Automation ${id} does not exist`)
      const current = versionOf(ws.workspaceId, a.revision)
      if (current !== expectedVersion) {
        throw new CrmError('conflict', `Automation "${a.name}" changed since it was shown (version ${expectedVersion}, now ${current})`)
      }
      a.active = active
      this.touch(a, user)
      return { summary: `Automation "${a.name}" switched ${active ? 'on' : 'off'}` }
    })
  }

  // ── the organisation's Countersign policy ───────────────────────────────────────────────

  /** Every signed-in user may read the policy (the app needs it); administrators also get the directory. */
  organisationPolicy(token: string): Promise<OrganisationPolicyRead> {
    return this.read(token, (ws, user) => {
      const admin = can(user, 'administer', { kind: 'organisation' }).allowed
      const stored = ws.organisationPolicy ?? null
      return {
        status: 'found',
        document: stored?.document ?? {},
        updatedBy: stored ? (ws.users.find((u) => u.id === stored.updatedBy)?.name ?? stored.updatedBy) : null,
        updatedAt: stored?.updatedAt ?? null,
        canEdit: admin,
        editedIn: 'Countersign: Administration (the workspace administrator)',
        ...(admin
          ? {
              directory: {
                users: ws.users.map((u) => ({ login: u.login, name: u.name })),
                groups: [...new Set(ws.users.flatMap((u) => toSessionUser(u).groups))].sort()
              }
            }
          : {})
      }
    })
  }

  /** Only the workspace's administrators may change the policy, and only to a valid one. */
  setOrganisationPolicy(token: string, document: unknown): Promise<void> {
    return this.run(async () => {
      const user = this.userFor(this.data, token)
      refuseUnless(can(user, 'administer', { kind: 'organisation' }))
      const parsed = parseOrgPolicy(document)
      if (!parsed.ok) throw new CrmError('invalid', `Not a valid Countersign policy: ${parsed.error}`)
      const next = structuredClone(this.data)
      next.organisationPolicy = { document: parsed.policy, updatedAt: this.now().toISOString(), updatedBy: user.id }
      await this.persist(next)
    })
  }

  // ── administration (tests only, through ./admin.ts) ─────────────────────────────────────

  [ADMIN_PORT](): AdminPort {
    return {
      snapshot: () => this.exclusive(async () => structuredClone(this.data)),
      mutate: (change) =>
        this.exclusive(async () => {
          const next = structuredClone(this.data)
          const out = change(next)
          await this.persist(next)
          return out
        }),
      setOffline: (offline) => {
        this.offline = offline
      }
    }
  }

  // ── internals ───────────────────────────────────────────────────────────────────────────

  private touch(r: { revision: number; modifiedAt: string; modifiedBy: string }, user: SampleUser): void {
    r.revision += 1
    r.modifiedAt = this.now().toISOString()
    r.modifiedBy = user.id
  }

  private checkType(type: RecordType): void {
    if (!(RECORD_TYPES as readonly string[]).includes(type)) throw new CrmError('invalid', `Unknown record type "${String(type)}"`)
  }

  /** A message may only be about a record the sender can read. */
  private checkAbout(ws: WorkspaceData, user: SampleUser, about: { type: RecordType; id: string } | null): void {
    if (!about) return
    this.checkType(about.type)
    const prefix = `Cannot send a message about ${about.type} ${about.id}: `
    refuseUnless(can(user, 'read', { kind: 'records', type: about.type }), prefix)
    const r = findRecord(ws, about.type, about.id)
    if (!r) throw new CrmError('not_found', `${TYPE_NAME[about.type]} ${about.id} does not exist`)
    refuseUnless(can(user, 'read', { kind: 'record', type: about.type, id: r.id, fields: r.fields }), prefix)
  }

  private resolve(ws: WorkspaceData, user: SampleUser, to: string[]): Recipient[] {
    if (!Array.isArray(to) || to.length === 0) throw new CrmError('invalid', 'A message needs at least one recipient')
    refuseUnless(can(user, 'read', { kind: 'records', type: 'contact' }), 'Cannot resolve recipients: ')
    const out: Recipient[] = []
    for (const raw of to) {
      const wanted = String(raw ?? '').trim().toLowerCase()
      const contact = ws.records.contact.find(
        (c) => readable(user, 'contact', c) && (c.id.toLowerCase() === wanted || String(c.fields.email ?? '').toLowerCase() === wanted)
      )
      if (!contact || !contact.fields.email) {
        throw new CrmError('invalid', `Unknown recipient "${String(raw)}": not the address of a contact ${user.name} can see`)
      }
      const address = String(contact.fields.email)
      if (!out.some((r) => r.address === address)) out.push({ name: nameOf('contact', contact), address })
    }
    return out
  }

  private userFor(ws: WorkspaceData, token: string): SampleUser {
    const userId = typeof token === 'string' ? this.sessions.get(token) : undefined
    const user = userId ? ws.users.find((u) => u.id === userId) : undefined
    if (!user) throw new CrmError('session_expired', 'The sample workspace session has ended; sign in again')
    return user
  }

  private read<T>(token: string, fn: (ws: WorkspaceData, user: SampleUser) => T): Promise<T> {
    return this.run(() => structuredClone(fn(this.data, this.userFor(this.data, token))))
  }

  /**
   * One write: replays the stored result for a known idempotency key; otherwise applies `apply`
   * to a copy of the data and saves the data, the applied-log entry and the effect in one atomic
   * file write before returning. A refusal thrown by `apply` leaves everything untouched.
   */
  private write(
    token: string,
    key: string,
    op: string,
    args: unknown,
    apply: (ws: WorkspaceData, user: SampleUser) => WriteResult
  ): Promise<WriteResult> {
    return this.run(async () => {
      const user = this.userFor(this.data, token)
      if (typeof key !== 'string' || key.length === 0 || key.length > 200) throw new CrmError('invalid', 'A write needs an idempotency key')
      const fingerprint = stableJson([op, args])
      const prior = this.data.applied[key]
      if (prior) {
        if (prior.userId !== user.id || prior.op !== op || prior.fingerprint !== fingerprint) {
          throw new CrmError('invalid', `Idempotency key ${key} was already used for a different write`)
        }
        return structuredClone(prior.result)
      }
      const next = structuredClone(this.data)
      const result = apply(next, this.userFor(next, token))
      const at = this.now().toISOString()
      next.applied[key] = { op, userId: user.id, fingerprint, at, result }
      next.effects.push({ key, op, userId: user.id, at })
      await this.persist(next)
      return structuredClone(result)
    })
  }

  private async persist(next: WorkspaceData): Promise<void> {
    try {
      await this.file.save(next)
    } catch (e) {
      throw new CrmError('unavailable', `The sample workspace could not be saved: ${(e as Error).message}`)
    }
    this.data = next
  }

  /** Every call: refused while offline, serialized, and on the latest data on disk. */
  private run<T>(fn: () => T | Promise<T>): Promise<T> {
    return this.exclusive(async () => {
      if (this.offline) throw new CrmError('unavailable', 'The sample workspace server is offline')
      return fn()
    })
  }

  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const result = this.queue.then(async () => {
      await this.refresh()
      return fn()
    })
    this.queue = result.catch(() => {})
    return result
  }

  /** Picks up writes made by another process (a test's admin, a second app instance). */
  private async refresh(): Promise<void> {
    if (!(await this.file.changedOnDisk())) return
    const read = await this.file.read()
    if (read.kind === 'ok') {
      this.data = read.data
      return
    }
    if (read.kind === 'corrupt') this.onRecovery(await this.file.moveAside(read.reason))
    // Missing or moved aside: put back the last good data this process holds.
    await this.persist(this.data)
  }
}
