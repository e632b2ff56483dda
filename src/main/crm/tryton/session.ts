// One signed-in Tryton user. Every call carries this user's own session (transport.ts); nothing
// here knows of any other credential. The work is in the files beside it: reads.ts (searches,
// records, overdue invoices), recipients.ts, values.ts (write values), email.ts, automations.ts,
// stages.ts (the opportunity workflow and its side effects), access.ts (field access rules).
import type { SessionUser } from '../../../shared/domain'
import { checkWritable } from '../fields'
import {
  CrmError,
  FIELDS,
  type Automation,
  type CrmRecord,
  type CrmSchema,
  type CrmSession,
  type FieldValue,
  type OrganisationPolicyRead,
  type OutgoingMessage,
  type OverdueInvoice,
  type PlannedWrite,
  type Reconciliation,
  type Recipient,
  type RecordType,
  type SearchPage,
  type SearchQuery,
  type WriteResult
} from '../types'
import { FieldAccess } from './access'
import { SCENARIO, SCENARIO_FIELDS, toAutomation } from './automations'
import { formatAddress, htmlBody, markerFor } from './email'
import { MODEL, TYPE_LABEL, formatValue, trytonTimestamp, type Categories, type Row } from './mapping'
import * as reads from './reads'
import { resolveRecipients } from './recipients'
import { STAGE_BUTTON, TRYTON_SCHEMA, stageConsequences } from './stages'
import type { TrytonTransport } from './transport'
import { dealValues, partyValues } from './values'
import { readTrytonPolicy } from './organisation-policy'

export interface TrytonSessionInit {
  transport: TrytonTransport
  contactCategory: string
  industryCategory: string
  relationType: string
}

export class TrytonSession implements CrmSession {
  readonly backend = 'tryton' as const
  readonly schema: CrmSchema = TRYTON_SCHEMA
  user: SessionUser = { id: '', name: '', login: '', groups: [] }
  private readonly transport: TrytonTransport
  private readonly access: FieldAccess
  private cats: Categories = { contact: null, industry: null, worksFor: null }

  constructor(private readonly init: TrytonSessionInit) {
    this.transport = init.transport
    this.access = new FieldAccess(this.transport)
  }

  private get ctx(): reads.ReadContext {
    return { transport: this.transport, access: this.access, cats: this.cats }
  }

  private get context(): Record<string, unknown> {
    return this.transport.context
  }

  /** Loads the user's preferences, groups and the categories and relation the mapping relies on. */
  async start(): Promise<void> {
    const t = this.transport
    const ctx = (await t.call('model.res.user.get_preferences', [true, {}])) as Record<string, unknown>
    t.context = ctx && typeof ctx === 'object' ? { ...ctx } : {}
    const prefs = (await t.call('model.res.user.get_preferences', [false, {}])) as Record<string, unknown>
    const groupIds = Array.isArray(t.context.groups) ? (t.context.groups as number[]) : []
    let groups: string[] = groupIds.map(String)
    try {
      groups = (await t.read('res.group', groupIds, ['name'])).map((r) => String(r.name)).sort()
    } catch (e) {
      if (!(e instanceof CrmError) || e.code !== 'permission') throw e
    }
    this.user = { id: String(t.userId), name: typeof prefs?.name === 'string' ? prefs.name : t.login, login: t.login, groups }
    const { contactCategory, industryCategory, relationType } = this.init
    const cats = await t.searchRead('party.category', [['name', 'in', [contactCategory, industryCategory]], ['parent', '=', null]], ['name'], {
      order: [['id', 'ASC']]
    })
    const category = (name: string): number | null => {
      const row = cats.find((r) => r.name === name)
      return row ? Number(row.id) : null
    }
    this.cats = { contact: category(contactCategory), industry: category(industryCategory), worksFor: await this.relationTypeId(relationType) }
  }

  /** The party_relationship type linking a person to their company; null without the module. */
  private async relationTypeId(name: string): Promise<number | null> {
    try {
      const rows = await this.transport.searchRead('party.relation.type', [['name', '=', name]], ['id'], { limit: 1, order: [['id', 'ASC']] })
      return rows.length ? Number(rows[0].id) : null
    } catch (e) {
      // No party_relationship module on this server: Tryton says the model does not exist.
      if (e instanceof CrmError && (e.code === 'invalid' || e.code === 'permission')) return null
      throw e
    }
  }

  // --- reads -----------------------------------------------------------------------------

  async search(type: RecordType, query: SearchQuery): Promise<CrmRecord[]> {
    return (await reads.find(this.ctx, type, query)).records
  }

  find(type: RecordType, query: SearchQuery): Promise<SearchPage> {
    return reads.find(this.ctx, type, query)
  }

  get(type: RecordType, id: string): Promise<CrmRecord | null> {
    return reads.get(this.ctx, type, id)
  }

  listOverdueInvoices(asOf: Date): Promise<OverdueInvoice[]> {
    return reads.listOverdueInvoices(this.ctx, asOf)
  }

  async listAutomations(): Promise<Automation[]> {
    const rows = await this.transport.searchRead(SCENARIO, [], SCENARIO_FIELDS, { order: [['id', 'ASC']] })
    return rows.map(toAutomation)
  }

  /** null when no such scenario; a refusal (the user may not read scenarios) is Tryton's own. */
  async getAutomation(id: string): Promise<Automation | null> {
    let n: number
    try {
      n = reads.parseId(id)
    } catch {
      return null
    }
    const rows = await this.transport.searchRead(SCENARIO, [['id', '=', n]], SCENARIO_FIELDS, { limit: 1 })
    return rows.length ? toAutomation(rows[0]) : null
  }

  resolveRecipients(to: string[], about: { type: RecordType; id: string } | null): Promise<Recipient[]> {
    return resolveRecipients(this.ctx, to, about)
  }

  consequencesOf(write: PlannedWrite): string[] {
    switch (write.kind) {
      case 'update':
        if (write.record.type !== 'deal' || !('stage' in write.changes) || write.changes.stage === write.record.fields.stage) return []
        return stageConsequences(write.changes.stage, typeof write.record.fields.accountName === 'string' ? write.record.fields.accountName : null)
      case 'create':
        if (write.type === 'deal' && write.fields.stage && write.fields.stage !== 'lead') return stageConsequences(write.fields.stage, null)
        return write.type === 'contact' ? [`Tryton puts the new party in the "${this.init.contactCategory}" category.`] : []
      case 'message':
        return write.about ? [`Tryton keeps a copy of the email on ${TYPE_LABEL[write.about.type].toLowerCase()} ${write.about.label}.`] : []
      case 'automation':
        return write.active ? ['Tryton starts the scenario: it selects the matching records and runs its steps by itself.'] : []
    }
  }

  // --- writes ----------------------------------------------------------------------------

  private valueContext() {
    return { transport: this.transport, cats: this.cats, industryCategory: this.init.industryCategory, contactCategory: this.init.contactCategory }
  }

  private stageButton(stage: FieldValue): string {
    const button = STAGE_BUTTON[String(stage)]
    if (!button) {
      checkWritable(this.schema, 'deal', { stage })
      throw new CrmError('invalid', `Tryton cannot move an opportunity to "${String(stage)}".`)
    }
    return button
  }

  async createRecord(type: RecordType, fields: Record<string, FieldValue>, _idempotencyKey: string): Promise<WriteResult> {
    if (type === 'invoice') throw new CrmError('invalid', 'Invoices are created in Tryton itself, not through Countersign.')
    checkWritable(this.schema, type, fields)
    let values: Record<string, unknown>
    let button: string | null = null
    if (type === 'deal') {
      values = dealValues(fields)
      if (typeof this.context.employee === 'number') values.employee = this.context.employee
      if (typeof this.context.company === 'number') values.company = this.context.company
      if (fields.stage !== undefined && fields.stage !== null && fields.stage !== 'lead') button = this.stageButton(fields.stage)
    } else {
      if (!fields.name) throw new CrmError('invalid', 'A name is required.')
      values = await partyValues(this.valueContext(), type, fields, null)
    }
    const ids = (await this.transport.call(`model.${MODEL[type]}.create`, [[values], this.context])) as number[]
    const id = ids[0]
    if (button) await this.transport.call(`model.${MODEL[type]}.${button}`, [[id], this.context])
    const record = await this.readBack(type, id)
    if (!record) return { summary: `${TYPE_LABEL[type]} created. You can no longer see this record: your Tryton permissions hide it.` }
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
    checkWritable(this.schema, type, changes)
    // Read with the user's own session first: a refusal or a concurrent edit stops here.
    const { row, record } = await reads.readChecked(this.ctx, type, id)
    if (type === 'deal' && 'stage' in changes) checkWritable(this.schema, type, changes, { currentStage: record.fields.stage })
    if (record.version !== expectedVersion) {
      throw new CrmError('conflict', `${TYPE_LABEL[type]} ${record.label} changed since this action was proposed.`)
    }
    const n = Number(record.id)
    let values: Record<string, unknown>
    let button: string | null = null
    if (type === 'deal') {
      values = dealValues(changes)
      if ('stage' in changes && changes.stage !== record.fields.stage) button = this.stageButton(changes.stage)
    } else {
      values = await partyValues(this.valueContext(), type, changes, row)
    }
    // Tryton's own optimistic lock: the write fails if the record moved since our read.
    const stamp = trytonTimestamp(row)
    const context = stamp ? { ...this.context, _timestamp: { [`${MODEL[type]},${n}`]: stamp } } : this.context
    if (Object.keys(values).length) await this.transport.call(`model.${MODEL[type]}.write`, [[n], values, context])
    if (button) await this.transport.call(`model.${MODEL[type]}.${button}`, [[n], this.context])
    // Tryton has applied the change. From here on nothing may report it as failed.
    const updated = await this.readBack(type, n)
    if (!updated) {
      const what = Object.entries(changes)
        .map(([k, v]) => `${FIELDS[type][k].label.toLowerCase()} → ${formatValue(v)}`)
        .join(', ')
      return {
        summary: `${TYPE_LABEL[type]} ${record.label} updated: ${what}. You can no longer see this record: your Tryton permissions hide it now.`
      }
    }
    const what = Object.keys(changes)
      .map((k) => `${FIELDS[type][k].label.toLowerCase()} → ${formatValue(updated.fields[k] ?? null)}`)
      .join(', ')
    return { summary: `${TYPE_LABEL[type]} ${updated.label} updated: ${what}.`, record: { type, id: updated.id, version: updated.version } }
  }

  /** The record after a write Tryton applied; null when this user may no longer read it. */
  private async readBack(type: RecordType, id: number): Promise<CrmRecord | null> {
    try {
      return (await reads.readMany(this.ctx, type, [id])).get(id) ?? null
    } catch (e) {
      if (e instanceof CrmError && (e.code === 'permission' || e.code === 'not_found')) return null
      // Unreachable after the write: the change stands; say so rather than report a failure.
      if (e instanceof CrmError && (e.code === 'unavailable' || e.code === 'session_expired' || e.code === 'rate_limited')) return null
      throw e
    }
  }

  async sendMessage(message: OutgoingMessage, idempotencyKey: string): Promise<WriteResult> {
    // Tryton's ir.email.send does not check that the sender may read the record the email is
    // about: check it here, with the user's own session, before anything is sent.
    if (!message.about) {
      throw new CrmError('invalid', 'Tryton files every email on a record: say which record this email is about.')
    }
    const { record } = await reads.readChecked(this.ctx, message.about.type, message.about.id)
    if (message.to.length === 0) throw new CrmError('invalid', 'The email has no recipient.')
    if (/[\r\n]/.test(message.subject)) throw new CrmError('invalid', 'The subject must be one line.')
    const to = message.to.map(formatAddress).join(', ')
    // At most once: an email already filed with this key's marker is not sent again.
    const already = await this.reconcile(idempotencyKey)
    if (already.status === 'applied') return already.result
    const emailId = (await this.transport.call('model.ir.email.send', [
      to,
      '',
      '',
      message.subject,
      htmlBody(message.body, idempotencyKey),
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
    const n = reads.parseId(id)
    const rows = await this.transport.read(SCENARIO, [n], SCENARIO_FIELDS)
    if (!rows.length) throw new CrmError('not_found', `Automation ${id} does not exist.`)
    const current = toAutomation(rows[0])
    if (current.version !== expectedVersion) throw new CrmError('conflict', `Automation ${current.name} changed since this action was proposed.`)
    const state = String(rows[0].state)
    const steps: string[] = active ? (state === 'running' ? [] : state === 'stopped' ? ['draft', 'run'] : ['run']) : state === 'running' ? ['stop'] : []
    for (const button of steps) await this.transport.call(`model.${SCENARIO}.${button}`, [[n], this.context])
    let name = current.name
    try {
      name = toAutomation((await this.transport.read(SCENARIO, [n], SCENARIO_FIELDS))[0] as Row).name
    } catch (e) {
      if (!(e instanceof CrmError) || steps.length === 0) throw e
    }
    const summary = steps.length ? `Automation ${name} switched ${active ? 'on' : 'off'}.` : `Automation ${name} was already ${active ? 'on' : 'off'}.`
    return { summary }
  }

  /** The Countersign module's policy, read with this user's session (see organisation-policy.ts). */
  organisationPolicy(): Promise<OrganisationPolicyRead> {
    return readTrytonPolicy((method, params) => this.transport.call(method, params), this.context)
  }

  async reconcile(idempotencyKey: string): Promise<Reconciliation> {
    // Emails carry a marker derived from the key; Tryton stores the email only when the
    // transaction that hands it to the mail server commits. Other writes leave no trace of
    // the key in Tryton, so their outcome cannot be told and stays 'unknown'.
    try {
      const rows = await this.transport.searchRead(
        'ir.email',
        [['body', 'ilike', `%${markerFor(idempotencyKey)}%`], ['create_uid', '=', this.transport.userId]],
        ['subject', 'recipients'],
        { limit: 1 }
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

  close(): Promise<void> {
    return this.transport.close()
  }
}
