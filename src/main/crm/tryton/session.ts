// One signed-in Tryton user. Every call carries this user's own session; nothing here knows of
// any other credential. The password is held in memory only (and only when the connector was
// asked to remember it) so an expired session can be renewed once; close() forgets it.
import { createHash } from 'node:crypto'
import type { SessionUser } from '../../../shared/domain'
import {
  CrmError,
  FIELDS,
  type Automation,
  type CrmRecord,
  type CrmSession,
  type FieldValue,
  type OrganisationPolicyRead,
  type OutgoingMessage,
  type OverdueInvoice,
  type Reconciliation,
  type Recipient,
  type RecordType,
  type SearchQuery,
  type WriteResult
} from '../types'
import {
  MODEL,
  READ_FIELDS,
  STAGE_BUTTON,
  TYPE_LABEL,
  baseDomain,
  dueDateOf,
  formatValue,
  matchesWhere,
  textDomain,
  toRecord,
  trytonTimestamp,
  whereDomain,
  type Categories,
  type Domain,
  type Row
} from './mapping'
import { readTrytonPolicy } from './organisation-policy'
import { SessionRejected, tryton, type TrytonAuth, type TrytonRpc } from './rpc'

const DEFAULT_LIMIT = 50
const MAX_LIMIT = 200
const SCENARIO = 'marketing.automation.scenario'
const SCENARIO_FIELDS = [
  'name',
  'state',
  'model',
  'domain',
  'activities.name',
  'activities.action',
  'activities.delay',
  'activities.email_title',
  'write_date',
  'create_date',
  '_timestamp'
]
/** Marker written into the HTML body of each email so a crash can be reconciled. */
const MARKER_PREFIX = 'countersign-key:'

export interface TrytonSessionInit {
  rpc: TrytonRpc
  auth: TrytonAuth
  /** Present only when the connector may renew an expired session by itself. */
  password: string | null
  language: string
  contactCategory: string
  industryCategory: string
}

function markerFor(idempotencyKey: string): string {
  return MARKER_PREFIX + createHash('sha256').update(idempotencyKey).digest('hex').slice(0, 32)
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string)
}

const EMAIL_RE = /^[^\s@<>(),;:"\\[\]]+@[^\s@<>(),;:"\\[\]]+\.[^\s@<>(),;:"\\[\]]+$/

function formatAddress(r: Recipient): string {
  if (/[\r\n]/.test(r.name) || !EMAIL_RE.test(r.address)) throw new CrmError('invalid', `Not a valid recipient: ${r.address}`)
  if (!r.name || r.name === r.address) return r.address
  return `"${r.name.replace(/["\\]/g, '\\$&')}" <${r.address}>`
}

function isoDate(d: Date): string {
  return d.toISOString().slice(0, 10)
}

function daysBetween(fromIso: string, toIso: string): number {
  return Math.round((Date.parse(`${toIso}T00:00:00Z`) - Date.parse(`${fromIso}T00:00:00Z`)) / 86_400_000)
}

function describeDelay(seconds: unknown): string {
  if (typeof seconds !== 'number' || seconds <= 0) return 'straight away'
  const days = seconds / 86_400
  if (Number.isInteger(days)) return `after ${days} day${days === 1 ? '' : 's'}`
  const hours = seconds / 3600
  if (Number.isInteger(hours)) return `after ${hours} hour${hours === 1 ? '' : 's'}`
  return `after ${Math.round(seconds / 60)} minutes`
}

const MODEL_NAMES: Record<string, string> = {
  'party.party': 'parties',
  'sale.opportunity': 'opportunities',
  'account.invoice': 'invoices'
}

export class TrytonSession implements CrmSession {
  readonly backend = 'tryton' as const
  user: SessionUser = { id: '', name: '', login: '', groups: [] }
  private readonly rpc: TrytonRpc
  private auth: TrytonAuth
  private password: string | null
  private readonly language: string
  private context: Record<string, unknown> = {}
  private cats: Categories = { contact: null, industry: null }
  private relogin: Promise<void> | null = null
  private closed = false

  constructor(private readonly init: TrytonSessionInit) {
    this.rpc = init.rpc
    this.auth = init.auth
    this.password = init.password
    this.language = init.language
  }

  /** Loads the user's preferences, groups and the categories the mapping relies on. */
  async start(): Promise<void> {
    const ctx = (await this.call('model.res.user.get_preferences', [true, {}])) as Record<string, unknown>
    this.context = ctx && typeof ctx === 'object' ? { ...ctx } : {}
    const prefs = (await this.call('model.res.user.get_preferences', [false, {}])) as Record<string, unknown>
    const groupIds = Array.isArray(this.context.groups) ? (this.context.groups as number[]) : []
    let groups: string[] = groupIds.map(String)
    try {
      const rows = (await this.call('model.res.group.read', [groupIds, ['name'], this.context])) as Row[]
      groups = rows.map((r) => String(r.name)).sort()
    } catch (e) {
      if (!(e instanceof CrmError) || e.code !== 'permission') throw e
    }
    this.user = {
      id: String(this.auth.userId),
      name: typeof prefs?.name === 'string' ? prefs.name : this.auth.login,
      login: this.auth.login,
      groups
    }
    const findCategory = async (name: string): Promise<number | null> => {
      const rows = (await this.call('model.party.category.search_read', [
        [['name', '=', name], ['parent', '=', null]],
        0,
        1,
        null,
        ['id'],
        this.context
      ])) as Row[]
      return rows.length > 0 ? Number(rows[0].id) : null
    }
    this.cats = {
      contact: await findCategory(this.init.contactCategory),
      industry: await findCategory(this.init.industryCategory)
    }
  }

  // --- transport -------------------------------------------------------------------------

  private async call(method: string, params: unknown[]): Promise<unknown> {
    if (this.closed) throw new CrmError('session_expired', 'This Tryton session was closed. Sign in again.')
    try {
      return await this.rpc.call(method, params, this.auth)
    } catch (e) {
      if (!(e instanceof SessionRejected)) throw e
      if (this.password === null) {
        throw new CrmError('session_expired', 'Your Tryton session has expired. Sign in again.')
      }
      // The server refused the session before running anything: renewing it and retrying once
      // cannot apply a write twice.
      await this.renew()
      try {
        return await this.rpc.call(method, params, this.auth)
      } catch (e2) {
        if (!(e2 instanceof SessionRejected)) throw e2
        if (e2.status === 403) throw new CrmError('permission', `Tryton refused this request (${method}).`)
        throw new CrmError('session_expired', 'Your Tryton session has expired and could not be renewed. Sign in again.')
      }
    }
  }

  private async renew(): Promise<void> {
    if (!this.relogin) {
      const password = this.password as string
      this.relogin = this.rpc
        .login(this.auth.login, password, this.language)
        .then((auth) => {
          if (auth.userId !== this.auth.userId) throw new CrmError('auth', 'Tryton signed in a different user.')
          this.auth = auth
        })
        .finally(() => {
          this.relogin = null
        })
    }
    await this.relogin
  }

  private searchRead(model: string, domain: Domain, fields: string[], limit: number | null = null, order: unknown = null): Promise<Row[]> {
    return this.call(`model.${model}.search_read`, [domain, 0, limit, order, fields, this.context]) as Promise<Row[]>
  }

  private read(model: string, ids: number[], fields: string[]): Promise<Row[]> {
    return this.call(`model.${model}.read`, [ids, fields, this.context]) as Promise<Row[]>
  }

  private parseId(id: string): number {
    const n = Number(id)
    if (!/^\d+$/.test(id) || !Number.isSafeInteger(n) || n <= 0) throw new CrmError('not_found', `No record with id "${id}".`)
    return n
  }

  // --- reads -----------------------------------------------------------------------------

  async search(type: RecordType, query: SearchQuery): Promise<CrmRecord[]> {
    const domain: Domain = [...baseDomain(type, this.cats)]
    if (query.text?.trim()) domain.push(...textDomain(type, query.text.trim()))
    for (const [k, v] of Object.entries(query.where ?? {})) domain.push(...whereDomain(type, k, v))
    const limit = Math.min(Math.max(1, Math.floor(query.limit ?? DEFAULT_LIMIT)), MAX_LIMIT)
    const rows = await this.searchRead(MODEL[type], domain, READ_FIELDS[type], limit)
    return rows.map((r) => toRecord(type, r, this.cats)).filter((r) => matchesWhere(r, query.where))
  }

  async get(type: RecordType, id: string): Promise<CrmRecord | null> {
    let n: number
    try {
      n = this.parseId(id)
    } catch {
      return null
    }
    // Record rules filter silently (null); a refusal to read the model at all is Tryton's own
    // access error, which surfaces as CrmError('permission') with its message.
    const rows = await this.searchRead(MODEL[type], [...baseDomain(type, this.cats), ['id', '=', n]], READ_FIELDS[type], 1)
    return rows.length > 0 ? toRecord(type, rows[0], this.cats) : null
  }

  /**
   * Reads one record with `read`, so Tryton itself says why a user may not see it; then checks
   * the record is of the asked type. Throws 'permission' (Tryton's message) or 'not_found'.
   */
  private async readChecked(type: RecordType, id: string, fields: string[] = READ_FIELDS[type]): Promise<{ row: Row; record: CrmRecord }> {
    const n = this.parseId(id)
    let rows: Row[]
    try {
      rows = await this.read(MODEL[type], [n], fields)
    } catch (e) {
      if (e instanceof CrmError && e.code === 'invalid' && /don't exist anymore|does not exist/.test(e.message)) {
        throw new CrmError('not_found', `${TYPE_LABEL[type]} ${id} does not exist.`)
      }
      throw e
    }
    if (rows.length === 0) throw new CrmError('not_found', `${TYPE_LABEL[type]} ${id} does not exist.`)
    const inType = await this.searchRead(MODEL[type], [...baseDomain(type, this.cats), ['id', '=', n]], ['id'], 1)
    if (inType.length === 0) throw new CrmError('not_found', `${TYPE_LABEL[type]} ${id} does not exist.`)
    return { row: rows[0], record: toRecord(type, rows[0], this.cats) }
  }

  async listOverdueInvoices(asOf: Date): Promise<OverdueInvoice[]> {
    const day = isoDate(asOf)
    const rows = await this.searchRead('account.invoice', [['type', '=', 'out'], ['state', '=', 'posted']], READ_FIELDS.invoice, null, [
      ['id', 'ASC']
    ])
    const out: OverdueInvoice[] = []
    for (const row of rows) {
      const due = dueDateOf(row)
      const open = typeof row.amount_to_pay === 'number' ? row.amount_to_pay : 0
      if (!due || due >= day || !(open > 0)) continue
      const party = row['party.'] as Row | undefined
      const currency = row['currency.'] as Row | undefined
      out.push({
        id: String(row.id),
        number: String(row.number ?? ''),
        account: { id: String(row.party ?? ''), name: String(party?.rec_name ?? '') },
        dueDate: due,
        daysOverdue: daysBetween(due, day),
        total: typeof row.total_amount === 'number' ? row.total_amount : 0,
        amountOpen: open,
        currency: String(currency?.code ?? '')
      })
    }
    return out.sort((a, b) => b.daysOverdue - a.daysOverdue || a.number.localeCompare(b.number))
  }

  private toAutomation(row: Row): Automation {
    const activities = Array.isArray(row['activities.']) ? (row['activities.'] as Row[]) : []
    const model = String(row.model ?? '')
    const steps = activities.map((a) => {
      const what = a.action === 'send_email' ? `sends the email "${String(a.email_title ?? '')}"` : 'does nothing (no action set)'
      return `${String(a.name ?? 'step')}: ${what} ${describeDelay(a.delay)}`
    })
    const description =
      `Runs on ${MODEL_NAMES[model] ?? model} matching ${String(row.domain ?? '[]')}` +
      (steps.length ? `. ${steps.join('; ')}.` : '. It has no steps yet.')
    const fields = { name: String(row.name ?? ''), state: String(row.state ?? ''), description }
    const stamp = String(row.write_date ?? row.create_date ?? '0')
    const digest = createHash('sha256').update(JSON.stringify([row.id, fields])).digest('hex').slice(0, 12)
    return {
      id: String(row.id),
      name: fields.name || `Scenario ${String(row.id)}`,
      description,
      active: row.state === 'running',
      version: `${stamp}~${digest}`
    }
  }

  async listAutomations(): Promise<Automation[]> {
    const rows = await this.searchRead(SCENARIO, [], SCENARIO_FIELDS, null, [['id', 'ASC']])
    return rows.map((r) => this.toAutomation(r))
  }

  async getAutomation(id: string): Promise<Automation | null> {
    let n: number
    try {
      n = this.parseId(id)
    } catch {
      return null
    }
    try {
      const rows = await this.searchRead(SCENARIO, [['id', '=', n]], SCENARIO_FIELDS, 1)
      return rows.length ? this.toAutomation(rows[0]) : null
    } catch (e) {
      if (e instanceof CrmError && e.code === 'permission') return null
      throw e
    }
  }

  async resolveRecipients(to: string[], about: { type: RecordType; id: string } | null): Promise<Recipient[]> {
    const out: Recipient[] = []
    const entries = to.map((t) => t.trim()).filter(Boolean)
    if (entries.length === 0 && about) {
      // Default recipient: the party the record is about (or belongs to).
      const { record } = await this.readChecked(about.type, about.id)
      const partyId = about.type === 'account' || about.type === 'contact' ? record.id : (record.fields.accountId as string | null)
      if (partyId) entries.push(partyId)
    }
    for (const entry of entries) {
      const m = /^(?:(?:contact|account|party):)?(\d+)$/.exec(entry)
      if (m) {
        const rows = await this.read('party.party', [Number(m[1])], ['name', 'email'])
        const email = typeof rows[0]?.email === 'string' ? rows[0].email : ''
        if (!email) throw new CrmError('invalid', `${String(rows[0]?.name ?? entry)} has no email address in Tryton.`)
        out.push({ name: String(rows[0].name ?? email), address: email })
        continue
      }
      if (!EMAIL_RE.test(entry)) throw new CrmError('invalid', `Not an email address or contact id: ${entry}`)
      const mechs = await this.searchRead('party.contact_mechanism', [['type', '=', 'email'], ['value', '=', entry]], ['party.rec_name'], 1)
      const party = mechs[0]?.['party.'] as Row | undefined
      out.push({ name: typeof party?.rec_name === 'string' ? party.rec_name : entry, address: entry })
    }
    const seen = new Set<string>()
    return out.filter((r) => (seen.has(r.address.toLowerCase()) ? false : (seen.add(r.address.toLowerCase()), true)))
  }

  // --- writes ----------------------------------------------------------------------------

  private checkWritable(type: RecordType, fields: Record<string, FieldValue>): void {
    for (const k of Object.keys(fields)) {
      const def = FIELDS[type][k]
      if (!def) throw new CrmError('invalid', `${TYPE_LABEL[type]} records have no field "${k}".`)
      if (!def.writable) throw new CrmError('invalid', `${TYPE_LABEL[type]} field "${def.label}" cannot be changed.`)
    }
    if (type === 'contact' && fields.accountId !== undefined && fields.accountId !== null) {
      throw new CrmError('invalid', 'Tryton 6.0 (without the party_relationship module) cannot link a contact to an account.')
    }
    if (type === 'contact' && fields.title !== undefined && fields.title !== null) {
      throw new CrmError('invalid', 'Tryton parties have no job title field.')
    }
  }

  private async industryCategoryId(name: string): Promise<number> {
    if (this.cats.industry === null) throw new CrmError('invalid', `This Tryton database has no "${this.init.industryCategory}" category.`)
    const rows = await this.searchRead('party.category', [['name', '=', name], ['parent', '=', this.cats.industry]], ['id'], 1)
    if (!rows.length) throw new CrmError('invalid', `No industry "${name}" in Tryton (a category under "${this.init.industryCategory}").`)
    return Number(rows[0].id)
  }

  /** Tryton values for a party (account or contact); `current` is null on create. */
  private async partyValues(type: RecordType, changes: Record<string, FieldValue>, current: Row | null): Promise<Record<string, unknown>> {
    const values: Record<string, unknown> = {}
    if ('name' in changes) {
      if (!changes.name) throw new CrmError('invalid', 'A name is required.')
      values.name = String(changes.name)
    }
    const mechs = current && Array.isArray(current['contact_mechanisms.']) ? (current['contact_mechanisms.'] as Row[]) : []
    const mechOps: unknown[] = []
    for (const kind of ['email', 'phone'] as const) {
      if (!(kind in changes)) continue
      const value = changes[kind]
      const existing = mechs.find((m) => m.type === kind)
      if (value === null || value === '') {
        if (existing) mechOps.push(['delete', [existing.id]])
      } else if (existing) {
        mechOps.push(['write', [existing.id], { value: String(value) }])
      } else {
        mechOps.push(['create', [{ type: kind, value: String(value) }]])
      }
    }
    if (mechOps.length) values.contact_mechanisms = mechOps
    if (type === 'account' && 'city' in changes) {
      const addresses = current && Array.isArray(current['addresses.']) ? (current['addresses.'] as Row[]) : []
      const city = changes.city === null || changes.city === '' ? null : String(changes.city)
      values.addresses = addresses.length ? [['write', [addresses[0].id], { city }]] : [['create', [{ city }]]]
    }
    const catOps: unknown[] = []
    if (type === 'account' && 'industry' in changes) {
      const currentIndustry = current && Array.isArray(current['categories.']) ? (current['categories.'] as Row[]).filter((c) => c.parent === this.cats.industry) : []
      if (currentIndustry.length) catOps.push(['remove', currentIndustry.map((c) => c.id)])
      if (changes.industry !== null && changes.industry !== '') catOps.push(['add', [await this.industryCategoryId(String(changes.industry))]])
    }
    if (current === null && type === 'contact') {
      if (this.cats.contact === null) throw new CrmError('invalid', `This Tryton database has no "${this.init.contactCategory}" category for persons.`)
      catOps.push(['add', [this.cats.contact]])
    }
    if (catOps.length) values.categories = catOps
    return values
  }

  private dealValues(changes: Record<string, FieldValue>): Record<string, unknown> {
    const values: Record<string, unknown> = {}
    if ('name' in changes) values.description = changes.name === null ? null : String(changes.name)
    if ('amount' in changes) values.amount = changes.amount === null ? null : tryton.decimal(Number(changes.amount))
    if ('accountId' in changes) {
      const n = changes.accountId === null ? null : Number(changes.accountId)
      if (n !== null && (!Number.isInteger(n) || n <= 0)) throw new CrmError('invalid', `Not an account id: ${String(changes.accountId)}`)
      values.party = n
    }
    if ('closeDate' in changes) values.end_date = changes.closeDate === null ? null : tryton.date(String(changes.closeDate))
    return values
  }

  private stageButton(stage: FieldValue): string {
    const button = STAGE_BUTTON[String(stage)]
    if (!button) {
      throw new CrmError('invalid', `Tryton cannot move an opportunity to "${String(stage)}" directly (stages: ${Object.keys(STAGE_BUTTON).join(', ')}).`)
    }
    return button
  }

  async createRecord(type: RecordType, fields: Record<string, FieldValue>, _idempotencyKey: string): Promise<WriteResult> {
    if (type === 'invoice') throw new CrmError('invalid', 'Invoices are created in Tryton itself, not through Countersign.')
    this.checkWritable(type, fields)
    let values: Record<string, unknown>
    let button: string | null = null
    if (type === 'deal') {
      values = this.dealValues(fields)
      if (typeof this.context.employee === 'number') values.employee = this.context.employee
      if (typeof this.context.company === 'number') values.company = this.context.company
      if (fields.stage !== undefined && fields.stage !== null && fields.stage !== 'lead') button = this.stageButton(fields.stage)
    } else {
      if (!fields.name) throw new CrmError('invalid', 'A name is required.')
      values = await this.partyValues(type, fields, null)
    }
    const ids = (await this.call(`model.${MODEL[type]}.create`, [[values], this.context])) as number[]
    const id = ids[0]
    if (button) await this.call(`model.${MODEL[type]}.${button}`, [[id], this.context])
    const rows = await this.read(MODEL[type], [id], READ_FIELDS[type])
    const record = toRecord(type, rows[0], this.cats)
    return { summary: `${TYPE_LABEL[type]} ${record.label} created.`, record: { type, id: record.id, version: record.version } }
  }

  async updateRecord(
    type: RecordType,
    id: string,
    expectedVersion: string,
    changes: Record<string, FieldValue>,
    _idempotencyKey: string
  ): Promise<WriteResult> {
    if (type === 'invoice') throw new CrmError('invalid', 'Invoices cannot be changed through Countersign.')
    this.checkWritable(type, changes)
    if (Object.keys(changes).length === 0) throw new CrmError('invalid', 'Nothing to change.')
    // Read with the user's own session first: a refusal or a concurrent edit stops here.
    const { row, record } = await this.readChecked(type, id)
    if (record.version !== expectedVersion) {
      throw new CrmError('conflict', `${TYPE_LABEL[type]} ${record.label} changed since this action was proposed.`)
    }
    const n = Number(record.id)
    let values: Record<string, unknown>
    let button: string | null = null
    if (type === 'deal') {
      values = this.dealValues(changes)
      if ('stage' in changes && changes.stage !== record.fields.stage) button = this.stageButton(changes.stage)
    } else {
      values = await this.partyValues(type, changes, row)
    }
    // Tryton's own optimistic lock: the write fails if the record moved since our read.
    const stamp = trytonTimestamp(row)
    const context = stamp ? { ...this.context, _timestamp: { [`${MODEL[type]},${n}`]: stamp } } : this.context
    if (Object.keys(values).length) await this.call(`model.${MODEL[type]}.write`, [[n], values, context])
    if (button) await this.call(`model.${MODEL[type]}.${button}`, [[n], this.context])
    const after = await this.read(MODEL[type], [n], READ_FIELDS[type])
    const updated = toRecord(type, after[0], this.cats)
    const what = Object.keys(changes)
      .map((k) => `${FIELDS[type][k].label.toLowerCase()} → ${formatValue(updated.fields[k] ?? null)}`)
      .join(', ')
    return { summary: `${TYPE_LABEL[type]} ${updated.label} updated: ${what}.`, record: { type, id: updated.id, version: updated.version } }
  }

  async sendMessage(message: OutgoingMessage, idempotencyKey: string): Promise<WriteResult> {
    // Tryton's ir.email.send does not check that the sender may read the record the email is
    // about: check it here, with the user's own session, before anything is sent.
    if (!message.about) {
      throw new CrmError('invalid', 'Tryton files every email on a record: say which record this email is about.')
    }
    const { record } = await this.readChecked(message.about.type, message.about.id)
    if (message.to.length === 0) throw new CrmError('invalid', 'The email has no recipient.')
    if (/[\r\n]/.test(message.subject)) throw new CrmError('invalid', 'The subject must be one line.')
    const to = message.to.map(formatAddress).join(', ')
    // At most once: an email already filed with this key's marker is not sent again.
    const already = await this.reconcile(idempotencyKey)
    if (already.status === 'applied') return already.result
    const body =
      escapeHtml(message.body)
        .split(/\r?\n/)
        .join('<br/>\n') + `\n<!-- ${markerFor(idempotencyKey)} -->`
    const emailId = (await this.call('model.ir.email.send', [
      to,
      '',
      '',
      message.subject,
      body,
      [], // files: Tryton iterates it unconditionally
      [MODEL[message.about.type], Number(record.id)],
      null,
      null,
      this.context
    ])) as number
    return {
      summary: `Email "${message.subject}" about ${TYPE_LABEL[message.about.type].toLowerCase()} ${record.label} sent to ${message.to.map((r) => r.address).join(', ')} (Tryton email ${emailId}).`
    }
  }

  async setAutomation(id: string, active: boolean, expectedVersion: string, _idempotencyKey: string): Promise<WriteResult> {
    const n = this.parseId(id)
    const rows = await this.read(SCENARIO, [n], SCENARIO_FIELDS)
    if (!rows.length) throw new CrmError('not_found', `Automation ${id} does not exist.`)
    const current = this.toAutomation(rows[0])
    if (current.version !== expectedVersion) throw new CrmError('conflict', `Automation ${current.name} changed since this action was proposed.`)
    const state = String(rows[0].state)
    const steps: string[] = active ? (state === 'running' ? [] : state === 'stopped' ? ['draft', 'run'] : ['run']) : state === 'running' ? ['stop'] : []
    for (const button of steps) await this.call(`model.${SCENARIO}.${button}`, [[n], this.context])
    const after = await this.read(SCENARIO, [n], SCENARIO_FIELDS)
    const updated = this.toAutomation(after[0])
    const summary = steps.length
      ? `Automation ${updated.name} switched ${active ? 'on' : 'off'}.`
      : `Automation ${updated.name} was already ${active ? 'on' : 'off'}.`
    return { summary }
  }

  /** The Countersign module's policy, read with this user's session (see organisation-policy.ts). */
  organisationPolicy(): Promise<OrganisationPolicyRead> {
    return readTrytonPolicy((method, params) => this.call(method, params), this.context)
  }

  async reconcile(idempotencyKey: string): Promise<Reconciliation> {
    // Emails carry a marker derived from the key; Tryton stores the email only when the
    // transaction that hands it to the mail server commits. Other writes leave no trace of
    // the key in Tryton, so their outcome cannot be told and stays 'unknown'.
    try {
      const rows = await this.searchRead(
        'ir.email',
        [['body', 'ilike', `%${markerFor(idempotencyKey)}%`], ['create_uid', '=', this.auth.userId]],
        ['subject', 'recipients'],
        1
      )
      if (rows.length) {
        return {
          status: 'applied',
          result: { summary: `Email "${String(rows[0].subject ?? '')}" was sent to ${String(rows[0].recipients ?? '')} (Tryton email ${String(rows[0].id)}).` }
        }
      }
    } catch (e) {
      if (!(e instanceof CrmError) || e.code !== 'permission') throw e
    }
    return { status: 'unknown' }
  }

  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    this.password = null
    try {
      await this.rpc.logout(this.auth)
    } catch {
      // The server may already be gone; the session is forgotten either way.
    }
  }
}
