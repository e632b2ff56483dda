// The offline demo assistant: a real LanguageModelV4 that runs inside the app, so Countersign does
// its main job with no account and no network. It is not an AI model and never says it is one:
// it reads the conversation (the user's last request and the tool results that followed it),
// matches the request against the documented patterns in ./requests.ts, and drives the same tool
// calls, policy and ledger as a real model would.
import type { LanguageModel } from 'ai'
import type { OverdueInvoice } from '../../crm/types'
import { DEMO_DISPLAY_NAME, DEMO_MODEL_ID, DEMO_PROVIDER_ID } from '../factory'
import { DEMO_EXAMPLES, parseRequest, type DemoRequest } from './requests'

// The V4 specification types, taken from `ai`'s own LanguageModel union so no extra package is needed.
type LanguageModelV4 = Extract<LanguageModel, { specificationVersion: 'v4' }>
type CallOptions = Parameters<LanguageModelV4['doStream']>[0]
type Prompt = CallOptions['prompt']
type GenerateResult = Awaited<ReturnType<LanguageModelV4['doGenerate']>>
type StreamResult = Awaited<ReturnType<LanguageModelV4['doStream']>>
type StreamPart = StreamResult['stream'] extends ReadableStream<infer P> ? P : never
type Usage = GenerateResult['usage']

export const DEMO_NAME = DEMO_DISPLAY_NAME

export interface DemoModelOptions {
  /** Pause between streamed words, for a natural feel in the app. Default 0. */
  chunkDelayMs?: number
  /** Tool call ids; defaults to random UUIDs. */
  generateId?: () => string
}

/** One planned step: some text, and/or tool calls to make. */
export interface DemoStep {
  text: string
  calls: Array<{ toolName: string; input: Record<string, unknown> }>
}

export function createDemoModel(options: DemoModelOptions = {}): LanguageModelV4 {
  const generateId = options.generateId ?? (() => `demo_${globalThis.crypto.randomUUID()}`)
  const delay = options.chunkDelayMs ?? 0

  const plan = (call: CallOptions): DemoStep => {
    const available = call.tools ? new Set(call.tools.map((t) => t.name)) : null
    return planDemoStep(call.prompt, available)
  }

  return {
    specificationVersion: 'v4',
    provider: DEMO_PROVIDER_ID,
    modelId: DEMO_MODEL_ID,
    supportedUrls: {},

    async doGenerate(call): Promise<GenerateResult> {
      const step = plan(call)
      const content: GenerateResult['content'] = []
      if (step.text) content.push({ type: 'text', text: step.text })
      for (const c of step.calls) {
        content.push({ type: 'tool-call', toolCallId: generateId(), toolName: c.toolName, input: JSON.stringify(c.input) })
      }
      return {
        content,
        finishReason: { unified: step.calls.length ? 'tool-calls' : 'stop', raw: undefined },
        usage: usageOf(call.prompt, step),
        warnings: []
      }
    },

    async doStream(call): Promise<StreamResult> {
      const step = plan(call)
      const parts: StreamPart[] = [
        { type: 'stream-start', warnings: [] },
        { type: 'response-metadata', id: generateId(), modelId: DEMO_MODEL_ID, timestamp: new Date() }
      ]
      if (step.text) {
        const id = generateId()
        parts.push({ type: 'text-start', id })
        for (const piece of step.text.match(/\S+\s*|\s+/g) ?? [step.text]) parts.push({ type: 'text-delta', id, delta: piece })
        parts.push({ type: 'text-end', id })
      }
      for (const c of step.calls) {
        const id = generateId()
        const input = JSON.stringify(c.input)
        parts.push({ type: 'tool-input-start', id, toolName: c.toolName })
        parts.push({ type: 'tool-input-delta', id, delta: input })
        parts.push({ type: 'tool-input-end', id })
        parts.push({ type: 'tool-call', toolCallId: id, toolName: c.toolName, input })
      }
      parts.push({
        type: 'finish',
        finishReason: { unified: step.calls.length ? 'tool-calls' : 'stop', raw: undefined },
        usage: usageOf(call.prompt, step)
      })
      const signal = call.abortSignal
      let i = 0
      const stream = new ReadableStream<StreamPart>({
        async pull(controller) {
          if (signal?.aborted) {
            controller.error(signal.reason ?? new DOMException('The operation was aborted.', 'AbortError'))
            return
          }
          if (i >= parts.length) {
            controller.close()
            return
          }
          if (delay > 0 && i > 1) await new Promise((resolve) => setTimeout(resolve, delay))
          controller.enqueue(parts[i++]!)
        }
      })
      return { stream }
    }
  }
}

/**
 * Tokens as the common estimate of about four characters each. The whole history goes with every
 * step, so each part's size is remembered by identity (the SDK passes the same tool inputs and
 * results along from step to step) rather than serialised again each time.
 */
function usageOf(prompt: Prompt, step: DemoStep): Usage {
  let chars = 0
  for (const m of prompt) {
    if (typeof m.content === 'string') chars += m.content.length
    else for (const part of m.content) chars += partChars(part)
  }
  const input = Math.ceil(chars / 4)
  const output = Math.ceil((step.text.length + step.calls.reduce((n, c) => n + JSON.stringify(c.input).length, 0)) / 4)
  return {
    inputTokens: { total: input, noCache: input, cacheRead: undefined, cacheWrite: undefined },
    outputTokens: { total: output, text: output, reasoning: undefined }
  }
}

const sizeOf = new WeakMap<object, number>()

function partChars(part: object): number {
  if ('text' in part && typeof part.text === 'string') return part.text.length
  const value = 'output' in part ? part.output : 'input' in part ? part.input : part
  if (typeof value === 'string') return value.length
  if (!value || typeof value !== 'object') return 0
  let size = sizeOf.get(value)
  if (size === undefined) sizeOf.set(value, (size = JSON.stringify(value)?.length ?? 0))
  return size
}

// ---- reading the conversation ------------------------------------------------------------------

type Output =
  | { kind: 'json'; value: unknown }
  | { kind: 'error'; message: string }
  | { kind: 'denied'; reason: string | undefined }

interface Done {
  toolName: string
  input: Record<string, unknown>
  output: Output | null
}

function lastUserTurn(prompt: Prompt): { text: string; done: Done[]; userName: string | null } {
  let userIndex = -1
  for (let i = prompt.length - 1; i >= 0; i--) {
    if (prompt[i]!.role === 'user') {
      userIndex = i
      break
    }
  }
  const system = prompt.find((m) => m.role === 'system')
  const userName = system && typeof system.content === 'string' ? (/assistant for (.+?)'s CRM/.exec(system.content)?.[1] ?? null) : null
  if (userIndex < 0) return { text: '', done: [], userName }
  const user = prompt[userIndex]!
  const text =
    user.role === 'user'
      ? user.content
          .filter((p) => p.type === 'text')
          .map((p) => (p as { text: string }).text)
          .join('\n')
      : ''
  const done: Done[] = []
  const byId = new Map<string, Done>()
  for (const message of prompt.slice(userIndex + 1)) {
    if (message.role === 'assistant') {
      for (const part of message.content) {
        if (part.type === 'tool-call') {
          const input = (typeof part.input === 'string' ? safeParse(part.input) : part.input) as Record<string, unknown>
          const d: Done = { toolName: part.toolName, input: input ?? {}, output: null }
          done.push(d)
          byId.set(part.toolCallId, d)
        }
      }
    }
    if (message.role === 'tool' || message.role === 'assistant') {
      for (const part of message.content) {
        if (part.type !== 'tool-result') continue
        const d = byId.get(part.toolCallId)
        if (d) d.output = readOutput(part.output)
      }
    }
  }
  return { text, done, userName }
}

function readOutput(output: { type: string; value?: unknown; reason?: string }): Output {
  switch (output.type) {
    case 'json': {
      // Countersign's own results for a decline or a cancel: structured, read by field.
      const v = output.value as { status?: unknown; userReason?: unknown } | null
      if (v && typeof v === 'object' && (v.status === 'declined' || v.status === 'cancelled')) {
        return { kind: 'denied', reason: typeof v.userReason === 'string' ? v.userReason : undefined }
      }
      return { kind: 'json', value: unwrap(output.value) }
    }
    case 'text':
      return { kind: 'json', value: safeParse(String(output.value)) ?? output.value }
    case 'execution-denied':
      return { kind: 'denied', reason: undefined } // free text from elsewhere: not the user's own words
    case 'error-text':
      return { kind: 'error', message: String(output.value) }
    case 'error-json':
      return { kind: 'error', message: typeof output.value === 'string' ? output.value : JSON.stringify(output.value) }
    default:
      return { kind: 'json', value: output.value }
  }
}

/** Accepts both bare data and `{ data, summary }` envelopes. */
function unwrap(value: unknown): unknown {
  if (value && typeof value === 'object' && !Array.isArray(value) && 'data' in value) return (value as { data: unknown }).data
  return value
}

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

// ---- the plan ------------------------------------------------------------------------------------

interface RecordLike {
  type?: string
  id: string
  label?: string
  fields?: Record<string, unknown>
  /** Fields the CRM hides from this user (its field access rules). */
  hidden?: string[]
}

/** An overdue invoice as list_overdue_invoices returns it. */
type InvoiceLike = OverdueInvoice

interface AutomationLike {
  id: string
  name: string
  description?: string
  active: boolean
}

const MAX_CALLS_PER_TURN = 6

/** Decides the next step from the conversation so far. Exported for tests and documentation. */
export function planDemoStep(prompt: Prompt, available: Set<string> | null = null): DemoStep {
  const { text, done, userName } = lastUserTurn(prompt)
  const request = parseRequest(text)
  const say = (t: string): DemoStep => ({ text: t, calls: [] })
  const call = (toolName: string, input: Record<string, unknown>, t = ''): DemoStep => {
    if (available && !available.has(toolName)) {
      return say(
        `I can't do that here: the ability \`${toolName}\` is not available to you in Countersign (an administrator may have switched it off).`
      )
    }
    if (done.length >= MAX_CALLS_PER_TURN) return say('I have gone as far as I can with this request.')
    return { text: t, calls: [{ toolName, input }] }
  }

  const last = done.at(-1)
  if (last?.output?.kind === 'denied') {
    // Show that the user's reason reached the assistant, as a real model would acknowledge it.
    const why = last.output.reason
    return say(why ? `Understood, I won't do that. You said: "${why}".` : "Understood, I won't do that.")
  }
  if (last && last.output === null) return say('') // still waiting for a result: nothing to add

  const failed = (d: Done | undefined): DemoStep | null => {
    if (d?.output?.kind !== 'error') return null
    // A refusal arrives as "The CRM refused: <the CRM's own words, in the user's language>".
    const refused = /^The CRM refused: ([\s\S]*)$/.exec(d.output.message)
    const message = refused ? refused[1] : d.output.message
    if (refused || /may not|not allowed|permission|not permitted|forbidden|access denied|not authori[sz]ed/i.test(message)) {
      return say(`You don't have permission for that in the CRM, so I can't show or change it. The CRM said: ${message}`)
    }
    return say(`That didn't work: ${message}`)
  }
  const error = failed(last)
  if (error) return error

  const results = (toolName: string) => done.filter((d) => d.toolName === toolName && d.output?.kind === 'json')
  const lastJson = (toolName: string) => results(toolName).at(-1)?.output as { kind: 'json'; value: unknown } | undefined

  switch (request.kind) {
    case 'help':
      return say(helpText(false))
    case 'unknown':
      return say(helpText(true))

    case 'overdue': {
      const r = lastJson('list_overdue_invoices')
      if (!r) return call('list_overdue_invoices', {})
      const invoices = asArray<InvoiceLike>(r.value)
      if (!invoices.length) return say('There are no overdue invoices you can see. Everything is paid up or not yet due.')
      const total = sumByCurrency(invoices)
      return say(
        [
          `There ${invoices.length === 1 ? 'is 1 overdue invoice' : `are ${invoices.length} overdue invoices`} (${total} open):`,
          '',
          '| Invoice | Customer | Due | Days overdue | Open amount |',
          '| --- | --- | --- | ---: | ---: |',
          ...invoices.map(
            (i) => `| ${cell(i.number)} | ${cell(i.account?.name)} | ${cell(i.dueDate)} | ${i.daysOverdue} | ${money(i.amountOpen, i.currency)} |`
          ),
          '',
          'To send a reminder, ask for example: "Email ' + (invoices[0]?.account?.name ?? 'the customer') + ' about their overdue invoice".'
        ].join('\n')
      )
    }

    case 'contact':
    case 'account': {
      const r = lastJson('search_records')
      if (!r) return call('search_records', { type: request.kind, text: request.text })
      const records = asArray<RecordLike>(r.value)
      if (!records.length) return say(`I couldn't find ${request.kind === 'contact' ? 'a contact' : 'an account'} matching "${request.text}" that you can see.`)
      const total = totalOf(r.value)
      if (records.length === 1 && total === 1) return say(describeRecord(records[0]!))
      const found = total > records.length ? `${total} ${request.kind}s match "${request.text}"; here are the first ${records.length} (ask for more to see the rest)` : `I found ${total} ${request.kind}s matching "${request.text}"`
      return say([`${found}:`, '', recordTable(records, request.kind)].join('\n'))
    }

    case 'deals': {
      const searches = results('search_records')
      if (!searches.length) return call('search_records', { type: 'deal', ...(request.text ? { text: request.text } : {}) })
      const first = asArray<RecordLike>((searches[0]!.output as { value: unknown }).value)
      if (first.length || !request.text) return say(dealsAnswer(first, request.text, totalOf((searches[0]!.output as { value: unknown }).value)))
      // Nothing by deal name: maybe it is an account's name.
      const accountSearch = searches.find((d) => d.input.type === 'account')
      if (!accountSearch) return call('search_records', { type: 'account', text: request.text })
      const accounts = asArray<RecordLike>((accountSearch.output as { value: unknown }).value)
      if (!accounts.length) return say(`I couldn't find deals or an account matching "${request.text}" that you can see.`)
      const byAccount = searches.find((d) => d.input.type === 'deal' && d.input.where)
      if (!byAccount) return call('search_records', { type: 'deal', where: { accountId: accounts[0]!.id } })
      const byAccountValue = (byAccount.output as { value: unknown }).value
      return say(dealsAnswer(asArray<RecordLike>(byAccountValue), accounts[0]!.label ?? request.text, totalOf(byAccountValue)))
    }

    case 'deal-stage':
    case 'deal-amount': {
      const write = done.find((d) => d.toolName === 'update_record')
      if (write?.output?.kind === 'json') return say(writeDone(write.output.value, 'The deal is updated.'))
      const r = lastJson('search_records')
      if (!r) return call('search_records', { type: 'deal', text: request.deal })
      const deals = asArray<RecordLike>(r.value)
      const deal = pick(deals, request.deal)
      if (!deal) {
        if (!deals.length) return say(`I couldn't find a deal matching "${request.deal}" that you can see.`)
        return say([`Several deals match "${request.deal}". Which one do you mean?`, '', recordTable(deals, 'deal')].join('\n'))
      }
      const fields = request.kind === 'deal-stage' ? { stage: request.stage } : { amount: request.amount }
      const current = request.kind === 'deal-stage' ? deal.fields?.stage : deal.fields?.amount
      if (current !== undefined && String(current).toLowerCase() === String(Object.values(fields)[0]).toLowerCase()) {
        return say(`${labelOf(deal)} is already at ${request.kind === 'deal-stage' ? `stage **${String(current)}**` : `an amount of ${String(current)}`}. Nothing to change.`)
      }
      const what = request.kind === 'deal-stage' ? `move **${labelOf(deal)}** to **${request.stage}**` : `set the amount of **${labelOf(deal)}** to **${request.amount.toLocaleString('en-US')}**`
      return call('update_record', { type: 'deal', id: deal.id, fields }, `I've prepared the update to ${what}; it's waiting for your approval.`)
    }

    case 'email-invoice': {
      const send = done.find((d) => d.toolName === 'send_message')
      if (send?.output?.kind === 'json') return say(writeDone(send.output.value, 'The email is sent.'))
      const inv = lastJson('list_overdue_invoices')
      if (!inv) return call('list_overdue_invoices', {})
      const invoices = asArray<InvoiceLike>(inv.value)
      const contactSearch = done.find((d) => d.toolName === 'search_records' && d.input.type === 'contact' && d.output?.kind === 'json')
      let invoice = pickInvoice(invoices, request.who)
      if (!contactSearch) {
        if (invoice) return call('search_records', { type: 'contact', where: { accountId: invoice.account.id } })
        return call('search_records', { type: 'contact', text: request.who })
      }
      const contacts = asArray<RecordLike>((contactSearch.output as { value: unknown }).value)
      let contact: RecordLike | undefined
      if (contactSearch.input.where) {
        contact = pickBillingContact(contacts, request.who)
      } else {
        contact = pick(contacts, request.who) ?? (contacts.length === 1 ? contacts[0] : undefined)
        if (!contact && contacts.length > 1) {
          return say([`Several contacts match "${request.who}". Which one do you mean?`, '', recordTable(contacts, 'contact')].join('\n'))
        }
        if (contact) {
          const accountId = String(contact.fields?.accountId ?? '')
          invoice = invoices.find((i) => i.account?.id === accountId) ?? pickInvoice(invoices, String(contact.fields?.accountName ?? ''))
        }
      }
      if (!contact && !invoice) return say(`I couldn't find an overdue invoice or a contact for "${request.who}" that you can see.`)
      if (!invoice) {
        return say(`I couldn't find an overdue invoice for ${labelOf(contact!)}${contact?.fields?.accountName ? ` (${String(contact.fields.accountName)})` : ''}. Nothing is owed that you can see.`)
      }
      if (!contact) return say(`I found invoice ${invoice.number} for ${invoice.account.name}, but no contact there that you can write to.`)
      const address = typeof contact.fields?.email === 'string' && contact.fields.email ? contact.fields.email : contact.id
      const subject = `Reminder: invoice ${invoice.number} is overdue`
      const body = reminderBody(contact, invoice, userName)
      return call(
        'send_message',
        { to: [address], subject, body, about: { type: 'invoice', id: invoice.id } },
        `I've drafted a reminder to ${labelOf(contact)} about invoice ${invoice.number} (${money(invoice.amountOpen, invoice.currency)} open); it's waiting for your approval.`
      )
    }

    case 'automation': {
      const toggled = done.find((d) => d.toolName === 'enable_automation' || d.toolName === 'disable_automation')
      if (toggled?.output?.kind === 'json') return say(writeDone(toggled.output.value, `The automation is switched ${request.on ? 'on' : 'off'}.`))
      const r = lastJson('list_automations')
      if (!r) return call('list_automations', {})
      const automations = asArray<AutomationLike>(r.value)
      const found = pickByName(automations, request.name, (a) => a.name)
      if (!found) {
        const names = automations.map((a) => `- ${a.name} (${a.active ? 'on' : 'off'})`).join('\n')
        return say(`I couldn't find an automation called "${request.name}".${names ? ` These are the ones you can see:\n\n${names}` : ''}`)
      }
      if (found.active === request.on) return say(`"${found.name}" is already switched ${request.on ? 'on' : 'off'}. Nothing to change.`)
      return call(
        request.on ? 'enable_automation' : 'disable_automation',
        { automationId: found.id },
        `I've prepared switching ${request.on ? 'on' : 'off'} "${found.name}"; it's waiting for your approval.`
      )
    }
  }
}

// ---- answers -------------------------------------------------------------------------------------

export function helpText(didNotUnderstand: boolean): string {
  return [
    didNotUnderstand
      ? `I'm the ${DEMO_DISPLAY_NAME}: a built-in helper that follows a fixed set of patterns, not an AI model, so I didn't understand that request.`
      : `I'm the ${DEMO_DISPLAY_NAME}: a built-in helper that follows a fixed set of patterns. I'm not an AI model and nothing leaves your computer.`,
    '',
    'I understand requests like these:',
    '',
    ...DEMO_EXAMPLES.map((e) => `- "${e.request}": ${e.does}`),
    '',
    'For anything else, connect a real AI provider in **Settings → AI provider**: OpenAI, Anthropic, or an OpenAI-compatible server such as Ollama running on this computer.'
  ].join('\n')
}

function writeDone(value: unknown, fallback: string): string {
  const v = value as { status?: unknown; summary?: unknown } | null
  const summary = v && typeof v.summary === 'string' ? v.summary : null
  if (v && typeof v.status === 'string' && /pending|waiting/.test(v.status)) return "I've prepared it; it's waiting for your approval."
  return summary ? `Done: ${summary}` : `Done. ${fallback}`
}

function dealsAnswer(deals: RecordLike[], text: string | null, total = deals.length): string {
  if (!deals.length) return text ? `I couldn't find deals for "${text}" that you can see.` : "There are no deals you can see."
  const count = total > deals.length ? `${total} deals (here are the first ${deals.length}; ask for more to see the rest)` : deals.length === 1 ? 'One deal' : `${deals.length} deals`
  const hidden = deals.some((d) => Array.isArray(d.hidden) && d.hidden.includes('amount'))
  return [`${count}${text ? ` for "${text}"` : ''}:`, '', recordTable(deals, 'deal'), ...(hidden ? ['', 'The amount is hidden by your permissions in the CRM.'] : [])].join('\n')
}

/** How many match in all: a search result's `total`, else the length of the list. */
function totalOf(value: unknown): number {
  const total = value && typeof value === 'object' && !Array.isArray(value) ? (value as { total?: unknown }).total : undefined
  return typeof total === 'number' && Number.isFinite(total) ? total : asArray(value).length
}

function describeRecord(r: RecordLike): string {
  const f = r.fields ?? {}
  const lines = [`**${cell(labelOf(r))}**`]
  const show: Array<[string, unknown]> = [
    ['Job title', f.title],
    ['Account', f.accountName],
    ['Email', f.email],
    ['Phone', f.phone],
    ['Industry', f.industry],
    ['City', f.city],
    ['Stage', f.stage],
    ['Amount', f.amount]
  ]
  for (const [label, value] of show) if (value !== undefined && value !== null && value !== '') lines.push(`- ${label}: ${cell(String(value))}`)
  return lines.join('\n')
}

function recordTable(records: RecordLike[], type: string): string {
  if (type === 'deal') {
    return [
      '| Deal | Account | Stage | Amount |',
      '| --- | --- | --- | ---: |',
      ...records.map(
        (r) =>
          `| ${cell(labelOf(r))} | ${cell(String(r.fields?.accountName ?? ''))} | ${cell(String(r.fields?.stage ?? ''))} | ${typeof r.fields?.amount === 'number' ? r.fields.amount.toLocaleString('en-US') : cell(String(r.fields?.amount ?? ''))} |`
      )
    ].join('\n')
  }
  if (type === 'contact') {
    return [
      '| Name | Account | Email | Phone |',
      '| --- | --- | --- | --- |',
      ...records.map(
        (r) => `| ${cell(labelOf(r))} | ${cell(String(r.fields?.accountName ?? ''))} | ${cell(String(r.fields?.email ?? ''))} | ${cell(String(r.fields?.phone ?? ''))} |`
      )
    ].join('\n')
  }
  return [
    '| Name | Industry | City | Email |',
    '| --- | --- | --- | --- |',
    ...records.map(
      (r) => `| ${cell(labelOf(r))} | ${cell(String(r.fields?.industry ?? ''))} | ${cell(String(r.fields?.city ?? ''))} | ${cell(String(r.fields?.email ?? ''))} |`
    )
  ].join('\n')
}

function reminderBody(contact: RecordLike, invoice: InvoiceLike, userName: string | null): string {
  const first = labelOf(contact).split(/\s+/)[0] || 'there'
  const due = formatDate(invoice.dueDate)
  return [
    `Dear ${first},`,
    '',
    `I hope you are well. This is a friendly reminder that invoice ${invoice.number} for ${invoice.account.name}, due on ${due}, still has ${money(invoice.amountOpen, invoice.currency)} open${invoice.amountOpen !== invoice.total ? ` of ${money(invoice.total, invoice.currency)}` : ''}.`,
    '',
    'Could you let us know when we can expect payment? If it has already been sent, please ignore this message, and thank you.',
    '',
    'Kind regards,',
    userName ?? ''
  ]
    .join('\n')
    .trimEnd()
}

// ---- matching ------------------------------------------------------------------------------------

function norm(s: string): string {
  return s
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/(?:'s|’s)\b/g, '')
    .replace(/[^a-z0-9]+/g, ' ')
    .trim()
}

function score(name: string, query: string): number {
  const n = norm(name)
  const q = norm(query)
  if (!q || !n) return 0
  if (n === q) return 100
  if (n.includes(q)) return 80
  if (q.includes(n)) return 60
  const nt = n.split(' ')
  const qt = q.split(' ').filter((w) => !['the', 'a', 'an', 'inc', 'co', 'ltd', 'llc'].includes(w))
  if (!qt.length) return 0
  const hits = qt.filter((w) => nt.some((t) => t.startsWith(w) || w.startsWith(t))).length
  return hits === qt.length ? 50 : hits > 0 ? 20 * (hits / qt.length) : 0
}

function pickByName<T>(items: T[], query: string, nameOf: (t: T) => string): T | undefined {
  let best: T | undefined
  let bestScore = 0
  let tie = false
  for (const item of items) {
    const s = score(nameOf(item), query)
    if (s > bestScore) {
      best = item
      bestScore = s
      tie = false
    } else if (s === bestScore && s > 0) tie = true
  }
  if (bestScore >= 50 && !tie) return best
  if (bestScore >= 50 && tie && bestScore === 100) return best
  return undefined
}

function pick(records: RecordLike[], query: string): RecordLike | undefined {
  if (records.length === 1) return records[0]
  return pickByName(records, query, labelOf)
}

function pickInvoice(invoices: InvoiceLike[], who: string): InvoiceLike | undefined {
  if (!who) return undefined
  const byNumber = invoices.find((i) => norm(i.number) === norm(who))
  if (byNumber) return byNumber
  const matches = invoices.filter((i) => score(i.account?.name ?? '', who) >= 50)
  // The most overdue first when an account has several.
  return matches.sort((a, b) => b.daysOverdue - a.daysOverdue)[0]
}

function pickBillingContact(contacts: RecordLike[], who: string): RecordLike | undefined {
  const named = pickByName(contacts, who, labelOf)
  if (named) return named
  const billing = contacts.find((c) => /account|financ|billing|payable|controller|office manager/i.test(String(c.fields?.title ?? '')))
  return billing ?? contacts.find((c) => typeof c.fields?.email === 'string' && c.fields.email) ?? contacts[0]
}

function labelOf(r: RecordLike): string {
  return r.label ?? String(r.fields?.name ?? r.id)
}

// ---- formatting ----------------------------------------------------------------------------------

function asArray<T>(value: unknown): T[] {
  if (Array.isArray(value)) return value as T[]
  if (value && typeof value === 'object') {
    for (const key of ['records', 'items', 'invoices', 'automations', 'results']) {
      const inner = (value as Record<string, unknown>)[key]
      if (Array.isArray(inner)) return inner as T[]
    }
  }
  return []
}

function cell(value: unknown): string {
  return String(value ?? '')
    .replace(/\r?\n/g, ' ')
    .replace(/\|/g, '\\|')
    .trim()
}

export function money(amount: number, currency: string): string {
  try {
    return new Intl.NumberFormat('en-US', { style: 'currency', currency: currency || 'USD' }).format(amount)
  } catch {
    return `${amount.toLocaleString('en-US')} ${currency}`
  }
}

function sumByCurrency(invoices: InvoiceLike[]): string {
  const sums = new Map<string, number>()
  for (const i of invoices) sums.set(i.currency, (sums.get(i.currency) ?? 0) + (i.amountOpen ?? 0))
  return [...sums].map(([c, n]) => money(n, c)).join(' + ')
}

function formatDate(iso: string): string {
  const d = new Date(/^\d{4}-\d{2}-\d{2}$/.test(iso) ? `${iso}T00:00:00Z` : iso)
  if (Number.isNaN(d.getTime())) return iso
  return d.toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' })
}

export type { DemoRequest }
