// The CRM abilities, the same on every connector: they reach data only through the signed-in
// user's CrmSession, so the CRM (or the sample workspace's permission layer) has the last word.
import { z } from 'zod'
import type { CardDetail } from '../../shared/domain'
import { checkWritable } from '../crm/fields'
import { CrmError, FIELDS, RECORD_TYPES, type CrmRecord, type FieldValue, type PlannedWrite, type RecordType } from '../crm/types'
import { isSingleAddress, unsafeTextProblem } from './safe-text'
import type { Ability, AbilityContext, ReadAbility, WriteAbility } from './types'

const recordType = z.enum(RECORD_TYPES)
const writableType = z.enum(['account', 'contact', 'deal'])
const fieldValue = z.union([z.string().max(2000), z.number(), z.boolean(), z.null()])
// An open object rather than z.record: the JSON Schema then has no propertyNames, which OpenAI rejects.
const fieldMap = z.object({}).catchall(fieldValue)
const recordId = z.string().min(1).max(200)

export function shown(value: FieldValue | undefined): string {
  if (value === null || value === undefined || value === '') return '—'
  if (typeof value === 'number') return value.toLocaleString('en-US', { maximumFractionDigits: 2 })
  return String(value)
}

/** Fields this user may not read on the record, in words for a card or an answer. */
function hiddenNote(record: CrmRecord): string {
  if (!record.hidden?.length) return ''
  const labels = record.hidden.map((f) => FIELDS[record.type][f]?.label.toLowerCase() ?? f)
  return `${labels.join(', ')} hidden by your permissions`
}

/** The card's summary with the side effects the CRM adds to this write. */
function withConsequences(ctx: AbilityContext, summary: string, write: PlannedWrite): string {
  const consequences = ctx.session.consequencesOf(write)
  return consequences.length ? `${summary} ${consequences.join(' ')}` : summary
}

async function mustGet(ctx: AbilityContext, type: RecordType, id: string): Promise<CrmRecord> {
  const record = await ctx.session.get(type, id)
  if (!record) throw new CrmError('not_found', `No ${type} with id ${id} exists that ${ctx.session.user.name} may see.`)
  return record
}

const searchRecords: ReadAbility<{ type: RecordType; text?: string; where?: Record<string, FieldValue>; limit?: number; offset?: number }> = {
  name: 'search_records',
  summary: 'Looks up accounts, contacts, deals or invoices you can see.',
  title: 'Search records',
  effect: 'read',
  description:
    'Search CRM records of one type (account, contact, deal, invoice). Optional free text matches names; `where` filters on exact field values (e.g. {"stage":"proposal"}). ' +
    'Returns one page and `total`, how many match in all: when `total` is more than the records returned, say so and pass `offset` to get the next page.',
  inputSchema: z.object({
    type: recordType,
    text: z.string().max(200).optional(),
    where: fieldMap.optional(),
    limit: z.number().int().min(1).max(50).optional(),
    offset: z.number().int().min(0).max(100_000).optional()
  }),
  async run(ctx, input) {
    const limit = input.limit ?? 20
    const page = await ctx.session.find(input.type, { text: input.text, where: input.where, limit, offset: input.offset ?? 0 })
    const shownTo = page.offset + page.records.length
    const more = page.total > shownTo
    const plural = (n: number) => `${n} ${input.type}${n === 1 ? '' : 's'}`
    const hidden = [...new Set(page.records.map(hiddenNote).filter(Boolean))]
    const summary =
      (page.records.length === page.total ? `${plural(page.total)} found` : `${plural(page.total)} found, showing ${page.offset + 1}–${shownTo}`) +
      (hidden.length ? ` (${hidden.join('; ')})` : '')
    const note = more
      ? `This is not the complete list: ${page.total} match in all and ${page.records.length} are here. Call again with offset ${shownTo} for the next page.`
      : `This is the complete list (${page.total} in all).`
    return { data: { records: page.records, total: page.total, offset: page.offset, more, note }, summary }
  }
}

const getRecord: ReadAbility<{ type: RecordType; id: string }> = {
  name: 'get_record',
  summary: 'Opens one record you can see.',
  title: 'Open a record',
  effect: 'read',
  description: 'Get one CRM record by type and id, with all its fields.',
  inputSchema: z.object({ type: recordType, id: recordId }),
  async run(ctx, input) {
    const record = await mustGet(ctx, input.type, input.id)
    const hidden = hiddenNote(record)
    return { data: record, summary: hidden ? `${record.label} (${hidden})` : record.label }
  }
}

const listOverdueInvoices: ReadAbility<Record<string, never>> = {
  name: 'list_overdue_invoices',
  summary: 'Lists invoices past their due date with money still owed.',
  title: 'List overdue invoices',
  effect: 'read',
  description: 'List invoices whose due date has passed and that still have an amount open, with days overdue and amounts.',
  inputSchema: z.object({}).strict() as unknown as z.ZodType<Record<string, never>>,
  async run(ctx) {
    const invoices = await ctx.session.listOverdueInvoices(ctx.now)
    return { data: invoices, summary: `${invoices.length} overdue invoice${invoices.length === 1 ? '' : 's'}` }
  }
}

const listAutomations: ReadAbility<Record<string, never>> = {
  name: 'list_automations',
  summary: "Lists your CRM's automations and whether each is on.",
  title: 'List automations',
  effect: 'read',
  description: 'List the CRM automations with whether each is switched on and what it does.',
  inputSchema: z.object({}).strict() as unknown as z.ZodType<Record<string, never>>,
  async run(ctx) {
    const automations = await ctx.session.listAutomations()
    return { data: automations, summary: `${automations.length} automation${automations.length === 1 ? '' : 's'}` }
  }
}

const createRecord: WriteAbility<{ type: 'account' | 'contact' | 'deal'; fields: Record<string, FieldValue> }> = {
  name: 'create_record',
  summary: 'Adds a new account, contact or deal.',
  title: 'Create a record',
  effect: 'write',
  description: 'Create a new account, contact or deal with the given fields. Waits for the user\'s approval.',
  inputSchema: z.object({ type: writableType, fields: fieldMap }),
  async describe(ctx, input) {
    checkWritable(ctx.session.schema, input.type, input.fields)
    const labels = FIELDS[input.type]
    const detail: CardDetail = {
      kind: 'create',
      recordType: input.type,
      fields: Object.entries(input.fields).map(([field, value]) => ({ field, label: labels[field]?.label ?? field, value: shown(value) }))
    }
    const name = typeof input.fields.name === 'string' ? ` "${input.fields.name}"` : ''
    const summary = withConsequences(ctx, `Create a new ${input.type}${name}.`, { kind: 'create', type: input.type, fields: input.fields })
    return { card: { summary, detail }, recordVersion: null }
  },
  execute(ctx, input, binding) {
    return ctx.session.createRecord(input.type, input.fields, binding.idempotencyKey)
  }
}

const updateRecord: WriteAbility<{ type: RecordType; id: string; fields: Record<string, FieldValue> }> = {
  name: 'update_record',
  summary: "Changes fields of an account, contact or deal, such as a deal's stage or amount.",
  title: 'Update a record',
  effect: 'write',
  description:
    'Change fields of an existing account, contact or deal (e.g. a deal\'s stage or amount). The card shows current and proposed values. Waits for the user\'s approval.',
  inputSchema: z.object({ type: recordType, id: recordId, fields: fieldMap }),
  async describe(ctx, input) {
    // Refused before any card: a field this CRM cannot write, a stage it does not have.
    checkWritable(ctx.session.schema, input.type, input.fields)
    const record = await mustGet(ctx, input.type, input.id)
    if (input.type === 'deal') checkWritable(ctx.session.schema, input.type, input.fields, { currentStage: record.fields.stage })
    const labels = FIELDS[input.type]
    const changes = Object.entries(input.fields).map(([field, value]) => ({
      field,
      label: labels[field]?.label ?? field,
      before: record.hidden?.includes(field) ? '(hidden by your permissions)' : shown(record.fields[field]),
      after: shown(value)
    }))
    const what = changes.map((c) => `${c.label.toLowerCase()} from ${c.before} to ${c.after}`).join(', ')
    const hidden = hiddenNote(record)
    const summary = withConsequences(ctx, `Change ${record.label}: ${what}.${hidden ? ` (${hidden[0].toUpperCase()}${hidden.slice(1)}.)` : ''}`, {
      kind: 'update',
      record,
      changes: input.fields
    })
    return {
      card: {
        summary,
        detail: { kind: 'update', record: { type: record.type, id: record.id, label: record.label }, changes }
      },
      recordVersion: record.version
    }
  },
  execute(ctx, input, binding) {
    return ctx.session.updateRecord(input.type, input.id, binding.recordVersion ?? '', input.fields, binding.idempotencyKey)
  }
}

const sendMessage: WriteAbility<{ to: string[]; subject: string; body: string; about?: { type: RecordType; id: string } }> = {
  name: 'send_message',
  summary: 'Sends an email from your CRM to your contacts.',
  title: 'Send an email',
  effect: 'write',
  description:
    'Send an email to one or more contacts (email addresses or contact ids), optionally about a record (e.g. an invoice). The card shows the resolved recipients, subject and body. Waits for the user\'s approval.',
  multilineFields: ['body'],
  inputSchema: z.object({
    to: z.array(z.string().min(1).max(320)).min(1).max(20),
    subject: z.string().min(1).max(300),
    body: z.string().min(1).max(20_000),
    about: z.object({ type: recordType, id: recordId }).optional()
  }),
  async describe(ctx, input) {
    for (const entry of input.to) {
      // One recipient per entry: a contact id, or exactly one address ("a@x.com, b@y.com" is two).
      if (/[@,;<>\s]/.test(entry) && !isSingleAddress(entry)) {
        throw new CrmError('invalid', `"${entry}" is not one email address. Give each recipient separately, as a single address like name@example.com or a contact id.`)
      }
    }
    const about = input.about ? await mustGet(ctx, input.about.type, input.about.id) : null
    const to = await ctx.session.resolveRecipients(input.to, input.about ?? null)
    for (const recipient of to) {
      // What the CRM holds is checked too: a contact whose address field holds a list, or whose
      // name hides direction overrides, would make the card say something other than what is sent.
      if (!isSingleAddress(recipient.address)) {
        throw new CrmError('invalid', `The CRM's address for ${recipient.name} ("${recipient.address}") is not a single email address, so no card can show exactly where this would go. Fix the contact in the CRM first.`)
      }
      const problem = unsafeTextProblem(recipient.name, false)
      if (problem) throw new CrmError('invalid', `The CRM's name for the recipient at ${recipient.address} ${problem}, so the card could not show it faithfully. Fix the contact in the CRM first.`)
    }
    const names = to.map((r) => r.name).join(', ')
    return {
      card: {
        summary: withConsequences(ctx, `Email ${names}: "${input.subject}"${about ? ` (about ${about.label})` : ''}.`, { kind: 'message', about }),
        detail: {
          kind: 'message',
          about: about ? { type: about.type, id: about.id, label: about.label } : null,
          to,
          subject: input.subject,
          body: input.body
        }
      },
      recordVersion: about?.version ?? null
    }
  },
  async execute(ctx, input, binding) {
    // Exactly the recipients the approved card showed, names and addresses.
    if (binding.card.detail.kind !== 'message') throw new CrmError('invalid', 'The approved card is not an email card.')
    const to = binding.card.detail.to.map((r) => ({ name: r.name, address: r.address }))
    return ctx.session.sendMessage({ about: input.about ?? null, to, subject: input.subject, body: input.body }, binding.idempotencyKey)
  }
}

function automationSwitch(active: boolean): WriteAbility<{ automationId: string }> {
  return {
    name: active ? 'enable_automation' : 'disable_automation',
    summary: active ? 'Switches on an automation, which then runs by itself.' : 'Switches off an automation.',
    title: active ? 'Switch an automation on' : 'Switch an automation off',
    effect: 'write',
    description: active
      ? 'Switch on a CRM automation by id (see list_automations). Waits for the user\'s approval.'
      : 'Switch off a CRM automation by id (see list_automations). Waits for the user\'s approval.',
    inputSchema: z.object({ automationId: recordId }),
    async describe(ctx, input) {
      const automation = await ctx.session.getAutomation(input.automationId)
      if (!automation) throw new CrmError('not_found', `No automation with id ${input.automationId} that ${ctx.session.user.name} may see.`)
      const state = automation.active ? 'on' : 'off'
      return {
        card: {
          summary: `Switch ${active ? 'on' : 'off'} the automation "${automation.name}" (now ${state}).`,
          detail: {
            kind: 'automation',
            automation: { type: 'automation', id: automation.id, label: automation.name },
            description: automation.description,
            switchTo: active ? 'on' : 'off',
            consequence: withConsequences(
              ctx,
              active ? `From now on it runs by itself: ${automation.description}` : `It stops running until someone switches it on again.`,
              { kind: 'automation', automation, active }
            )
          }
        },
        recordVersion: automation.version
      }
    },
    execute(ctx, input, binding) {
      return ctx.session.setAutomation(input.automationId, active, binding.recordVersion ?? '', binding.idempotencyKey)
    }
  }
}

export function crmAbilities(): Ability<any>[] {
  return [
    searchRecords,
    getRecord,
    listOverdueInvoices,
    listAutomations,
    createRecord,
    updateRecord,
    sendMessage,
    automationSwitch(true),
    automationSwitch(false)
  ]
}
