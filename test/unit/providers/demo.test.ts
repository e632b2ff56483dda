// The offline demo assistant, driven through the AI SDK's own streamText/generateText exactly as a
// real model is: every documented request yields the expected tool calls, and the answer is
// written from the tool results that come back.
import { generateText, streamText, tool, type ModelMessage, type ToolResultPart } from 'ai'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { createDemoModel, DEMO_EXAMPLES, parseRequest } from '../../../src/main/providers/demo'

// ---- a small workspace standing in for the abilities' results -------------------------------

const contacts = [
  { type: 'contact', id: 'c-1', version: '1', label: 'Dana Whitfield', fields: { name: 'Dana Whitfield', email: 'dana.whitfield@acme-marine.example.com', title: 'Purchasing manager', accountId: 'a-1', accountName: 'Acme Marine Outfitters', phone: '+1 207 555 0143' } },
  { type: 'contact', id: 'c-2', version: '1', label: 'Luis Romero', fields: { name: 'Luis Romero', email: 'luis.romero@acme-marine.example.com', title: 'Accounts payable', accountId: 'a-1', accountName: 'Acme Marine Outfitters' } },
  { type: 'contact', id: 'c-3', version: '1', label: 'Grace Holloway', fields: { name: 'Grace Holloway', email: 'grace.holloway@bluewater.example.com', title: 'Operations director', accountId: 'a-2', accountName: 'Bluewater Boatworks' } }
]
const accounts = [
  { type: 'account', id: 'a-1', version: '1', label: 'Acme Marine Outfitters', fields: { name: 'Acme Marine Outfitters', industry: 'Retail', city: 'Portland, ME', email: 'orders@acme-marine.example.com' } },
  { type: 'account', id: 'a-2', version: '1', label: 'Bluewater Boatworks', fields: { name: 'Bluewater Boatworks', industry: 'Boat building', city: 'Annapolis, MD' } }
]
const deals = [
  { type: 'deal', id: 'd-1', version: '3', label: 'Spring dock hardware order', fields: { name: 'Spring dock hardware order', stage: 'proposal', amount: 48500, accountId: 'a-1', accountName: 'Acme Marine Outfitters' } },
  { type: 'deal', id: 'd-2', version: '1', label: 'Teak decking supply contract', fields: { name: 'Teak decking supply contract', stage: 'negotiation', amount: 126000, accountId: 'a-2', accountName: 'Bluewater Boatworks' } },
  { type: 'deal', id: 'd-3', version: '1', label: 'Kayak rack fixtures', fields: { name: 'Kayak rack fixtures', stage: 'qualification', amount: 22400, accountId: 'a-1', accountName: 'Acme Marine Outfitters' } }
]
const overdue = [
  { id: 'i-7', number: 'INV-2026-0007', account: { id: 'a-1', name: 'Acme Marine Outfitters' }, dueDate: '2026-10-01', daysOverdue: 54, total: 12400, amountOpen: 9400, currency: 'USD' },
  { id: 'i-9', number: 'INV-2026-0009', account: { id: 'a-2', name: 'Bluewater Boatworks' }, dueDate: '2026-11-10', daysOverdue: 14, total: 14600, amountOpen: 14600, currency: 'USD' }
]
const automations = [
  { id: 'auto-1', name: 'Overdue invoice reminders', description: 'Emails reminders every Monday.', active: false, version: '1' },
  { id: 'auto-2', name: 'New contact welcome series', description: 'Welcome emails.', active: true, version: '1' },
  { id: 'auto-3', name: 'Stale deal alerts', description: 'Daily alerts.', active: false, version: '1' }
]

const matches = (label: string, text?: unknown) => !text || label.toLowerCase().includes(String(text).toLowerCase())

type Output = ToolResultPart['output']

/** What the lead's abilities would answer (reads) or the ledger after a decision (writes). */
function workspace(toolName: string, input: Record<string, unknown>, writes: 'approve' | 'decline'): Output {
  const json = (value: unknown): Output => ({ type: 'json', value: value as never })
  switch (toolName) {
    case 'list_overdue_invoices':
      return json(overdue)
    case 'list_automations':
      return json(automations)
    case 'search_records': {
      const where = (input.where ?? {}) as Record<string, unknown>
      const pool = { contact: contacts, account: accounts, deal: deals, invoice: [] }[input.type as 'contact']
      return json(pool.filter((r) => matches(r.label, input.text) && Object.entries(where).every(([k, v]) => (r.fields as Record<string, unknown>)[k] === v)))
    }
    default:
      if (writes === 'decline') {
        return { type: 'json', value: { status: 'declined', userReason: null, instruction: 'The user declined this action; it did not run. Do not propose the same action again.' } }
      }
      return json({ status: 'done', summary: `${toolName} ran: ${JSON.stringify(input)}` })
  }
}

const recordType = z.enum(['account', 'contact', 'deal', 'invoice'])
const fieldMap = z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()]))
const tools = {
  search_records: tool({ description: 'search', inputSchema: z.object({ type: recordType, text: z.string().optional(), where: fieldMap.optional(), limit: z.number().optional() }) }),
  get_record: tool({ description: 'get', inputSchema: z.object({ type: recordType, id: z.string() }) }),
  list_overdue_invoices: tool({ description: 'overdue', inputSchema: z.object({}).strict() }),
  list_automations: tool({ description: 'automations', inputSchema: z.object({}).strict() }),
  create_record: tool({ description: 'create', inputSchema: z.object({ type: recordType, fields: fieldMap }) }),
  update_record: tool({ description: 'update', inputSchema: z.object({ type: recordType, id: z.string(), fields: fieldMap }) }),
  send_message: tool({ description: 'send', inputSchema: z.object({ to: z.array(z.string()), subject: z.string(), body: z.string(), about: z.object({ type: recordType, id: z.string() }).optional() }) }),
  enable_automation: tool({ description: 'on', inputSchema: z.object({ automationId: z.string() }) }),
  disable_automation: tool({ description: 'off', inputSchema: z.object({ automationId: z.string() }) })
}

interface Conversation {
  calls: Array<{ toolName: string; input: Record<string, unknown> }>
  /** Text of each model step. */
  texts: string[]
  final: string
  messages: ModelMessage[]
}

/** A miniature loop: stream the demo, answer its tool calls from the workspace, until it stops. */
async function converse(request: string, options: { writes?: 'approve' | 'decline'; override?: (toolName: string) => Output | null; availableTools?: string[] } = {}): Promise<Conversation> {
  const model = createDemoModel()
  const instructions = "You are Countersign, an assistant for Rita Alvarez's CRM (sample)."
  const messages: ModelMessage[] = [{ role: 'user', content: request }]
  const result: Conversation = { calls: [], texts: [], final: '', messages }
  const activeTools = options.availableTools
    ? Object.fromEntries(Object.entries(tools).filter(([name]) => options.availableTools!.includes(name)))
    : tools
  for (let step = 0; step < 8; step++) {
    const run = streamText({ model, instructions, messages, tools: activeTools })
    let text = ''
    const calls: Array<{ toolCallId: string; toolName: string; input: Record<string, unknown> }> = []
    for await (const part of run.stream) {
      if (part.type === 'text-delta') text += part.text
      if (part.type === 'tool-call') calls.push({ toolCallId: part.toolCallId, toolName: part.toolName, input: part.input as Record<string, unknown> })
      if (part.type === 'error') throw part.error
    }
    result.texts.push(text)
    if (!calls.length) {
      result.final = text
      return result
    }
    messages.push({
      role: 'assistant',
      content: [
        ...(text ? [{ type: 'text' as const, text }] : []),
        ...calls.map((c) => ({ type: 'tool-call' as const, toolCallId: c.toolCallId, toolName: c.toolName, input: c.input }))
      ]
    })
    messages.push({
      role: 'tool',
      content: calls.map((c) => ({
        type: 'tool-result' as const,
        toolCallId: c.toolCallId,
        toolName: c.toolName,
        output: options.override?.(c.toolName) ?? workspace(c.toolName, c.input, options.writes ?? 'approve')
      }))
    })
    result.calls.push(...calls.map(({ toolName, input }) => ({ toolName, input })))
  }
  throw new Error('the demo did not stop')
}

const NOT_A_MODEL = /\b(I am|I'm) (an? )?(AI|artificial intelligence|language model|LLM|GPT|Claude)\b/i

describe('the offline demo assistant', () => {
  it('is a LanguageModelV4 named as what it is', () => {
    const model = createDemoModel()
    expect(model).toMatchObject({ specificationVersion: 'v4', provider: 'countersign-demo', modelId: 'countersign-demo-v1' })
  })

  it('show overdue invoices → list_overdue_invoices, then a table from the result', async () => {
    const c = await converse('Show overdue invoices')
    expect(c.calls).toEqual([{ toolName: 'list_overdue_invoices', input: {} }])
    expect(c.final).toContain('| Invoice | Customer | Due | Days overdue | Open amount |')
    expect(c.final).toContain('| INV-2026-0007 | Acme Marine Outfitters | 2026-10-01 | 54 | $9,400.00 |')
    expect(c.final).toContain('INV-2026-0009')
    expect(c.final).toMatch(/2 overdue invoices \(\$24,000\.00 open\)/)
  })

  it.each([
    ['Find the contact named Dana Whitfield', 'Dana Whitfield'],
    ['who is dana whitfield?', 'dana whitfield'],
    ['LOOK UP CONTACT Grace Holloway', 'Grace Holloway'],
    ['find Grace contact', 'Grace']
  ])('%s → search_records contact', async (request, text) => {
    const c = await converse(request)
    expect(c.calls).toEqual([{ toolName: 'search_records', input: { type: 'contact', text } }])
    expect(c.final).not.toMatch(/couldn't find/)
  })

  it('answers with the contact found', async () => {
    const c = await converse('Who is Dana Whitfield?')
    expect(c.final).toContain('**Dana Whitfield**')
    expect(c.final).toContain('dana.whitfield@acme-marine.example.com')
    expect(c.final).toContain('Acme Marine Outfitters')
  })

  it('says plainly when nothing matches', async () => {
    const c = await converse('find the contact named Nobody Atall')
    expect(c.final).toBe('I couldn\'t find a contact matching "Nobody Atall" that you can see.')
  })

  it('find account/company X → search_records account', async () => {
    const c = await converse('Find the company Bluewater Boatworks')
    expect(c.calls).toEqual([{ toolName: 'search_records', input: { type: 'account', text: 'Bluewater Boatworks' } }])
    expect(c.final).toContain('**Bluewater Boatworks**')
    expect(c.final).toContain('Boat building')
  })

  it('show deals → search_records deal, answered as a table', async () => {
    const c = await converse('show me all deals')
    expect(c.calls).toEqual([{ toolName: 'search_records', input: { type: 'deal' } }])
    expect(c.final).toContain('| Deal | Account | Stage | Amount |')
    expect(c.final).toContain('| Spring dock hardware order | Acme Marine Outfitters | proposal | 48,500 |')
  })

  it('show deals for an account falls back from deal names to the account', async () => {
    const c = await converse('Show deals for Bluewater Boatworks')
    expect(c.calls).toEqual([
      { toolName: 'search_records', input: { type: 'deal', text: 'Bluewater Boatworks' } },
      { toolName: 'search_records', input: { type: 'account', text: 'Bluewater Boatworks' } },
      { toolName: 'search_records', input: { type: 'deal', where: { accountId: 'a-2' } } }
    ])
    expect(c.final).toContain('Teak decking supply contract')
  })

  it.each([
    ['Move the deal Spring dock hardware order to Negotiation', 'negotiation'],
    ['update deal spring dock hardware order to stage closed won', 'won'],
    ['move Spring dock hardware order to lost', 'lost'],
    ['Set the stage of Spring dock hardware order to qualified', 'qualification']
  ])('%s → search then update_record stage', async (request, stage) => {
    const c = await converse(request)
    expect(c.calls).toEqual([
      { toolName: 'search_records', input: { type: 'deal', text: expect.stringMatching(/^spring dock hardware order$/i) } },
      { toolName: 'update_record', input: { type: 'deal', id: 'd-1', fields: { stage } } }
    ])
    expect(c.texts[1]).toMatch(/I've prepared the update .*; it's waiting for your approval\./)
    expect(c.final).toMatch(/^Done: update_record ran/)
  })

  it.each([
    ['Set the amount of the deal Kayak rack fixtures to 25,000', 25000],
    ['change the amount on Kayak rack fixtures to $31.5k', 31500],
    ['update Kayak rack fixtures amount to 27500', 27500]
  ])('%s → search then update_record amount', async (request, amount) => {
    const c = await converse(request)
    expect(c.calls).toEqual([
      { toolName: 'search_records', input: { type: 'deal', text: 'Kayak rack fixtures' } },
      { toolName: 'update_record', input: { type: 'deal', id: 'd-3', fields: { amount } } }
    ])
  })

  it('after a decline: "Understood, I won\'t do that."', async () => {
    const c = await converse('Move the deal Spring dock hardware order to negotiation', { writes: 'decline' })
    expect(c.calls.map((x) => x.toolName)).toEqual(['search_records', 'update_record'])
    expect(c.final).toBe("Understood, I won't do that.")
  })

  it('email a company about their overdue invoice → overdue list, its contacts, then send_message', async () => {
    const c = await converse('Email Acme Marine Outfitters about their overdue invoice')
    expect(c.calls.slice(0, 2)).toEqual([
      { toolName: 'list_overdue_invoices', input: {} },
      { toolName: 'search_records', input: { type: 'contact', where: { accountId: 'a-1' } } }
    ])
    const send = c.calls[2]!
    expect(send.toolName).toBe('send_message')
    // The accounts-payable contact is preferred for a payment reminder.
    expect(send.input).toMatchObject({
      to: ['luis.romero@acme-marine.example.com'],
      subject: 'Reminder: invoice INV-2026-0007 is overdue',
      about: { type: 'invoice', id: 'i-7' }
    })
    const body = String(send.input.body)
    expect(body).toMatch(/^Dear Luis,/)
    expect(body).toContain('INV-2026-0007')
    expect(body).toContain('$9,400.00 open of $12,400.00')
    expect(body).toContain('1 October 2026')
    expect(body).toMatch(/Kind regards,\nRita Alvarez$/)
    expect(c.texts[2]).toMatch(/it's waiting for your approval/)
    expect(c.final).toMatch(/^Done: send_message ran/)
  })

  it('email a person about her invoice → overdue list, the contact, then send_message to her', async () => {
    const c = await converse('email dana whitfield about her invoice')
    expect(c.calls.map((x) => [x.toolName, x.input.type ?? null])).toEqual([
      ['list_overdue_invoices', null],
      ['search_records', 'contact'],
      ['send_message', null]
    ])
    expect(c.calls[1]!.input).toEqual({ type: 'contact', text: 'dana whitfield' })
    expect(c.calls[2]!.input).toMatchObject({ to: ['dana.whitfield@acme-marine.example.com'], about: { type: 'invoice', id: 'i-7' } })
  })

  it('switch on automation X → list_automations then enable_automation', async () => {
    const c = await converse('Switch on the automation Overdue invoice reminders')
    expect(c.calls).toEqual([
      { toolName: 'list_automations', input: {} },
      { toolName: 'enable_automation', input: { automationId: 'auto-1' } }
    ])
    expect(c.texts[1]).toBe('I\'ve prepared switching on "Overdue invoice reminders"; it\'s waiting for your approval.')
  })

  it.each([
    ['turn off the new contact welcome series', 'disable_automation', 'auto-2'],
    ['turn stale deal alerts on', 'enable_automation', 'auto-3'],
    ['disable automation New contact welcome series', 'disable_automation', 'auto-2']
  ])('%s → %s', async (request, toolName, automationId) => {
    const c = await converse(request)
    expect(c.calls.at(-1)).toEqual({ toolName, input: { automationId } })
  })

  it('says when an automation is already in the asked state, and proposes nothing', async () => {
    const c = await converse('switch on New contact welcome series')
    expect(c.calls).toEqual([{ toolName: 'list_automations', input: {} }])
    expect(c.final).toBe('"New contact welcome series" is already switched on. Nothing to change.')
  })

  it('says plainly when the CRM says the user may not see something', async () => {
    const c = await converse('Show overdue invoices', {
      override: (name) =>
        name === 'list_overdue_invoices' ? { type: 'error-text', value: 'Rita Alvarez may not read invoices.' } : null
    })
    expect(c.final).toMatch(/^You don't have permission for that in the CRM/)
    expect(c.final).toContain('Rita Alvarez may not read invoices.')
  })

  it('says so when an ability is not offered to it', async () => {
    const c = await converse('Switch on the automation Overdue invoice reminders', { availableTools: ['list_automations'] })
    expect(c.calls).toEqual([{ toolName: 'list_automations', input: {} }])
    expect(c.final).toMatch(/`enable_automation` is not available to you/)
  })

  it('anything else: a friendly answer listing what it understands and how to connect a real provider', async () => {
    const c = await converse('Write me a poem about invoices')
    expect(c.calls).toEqual([])
    expect(c.final).toContain('Countersign demo assistant (offline)')
    expect(c.final).toContain('not an AI model')
    expect(c.final).toContain('Settings → AI provider')
    for (const example of DEMO_EXAMPLES) expect(c.final).toContain(example.request)
  })

  it('never claims to be an AI model, whatever it answers', async () => {
    for (const request of ['hello', 'are you an AI?', 'Show overdue invoices', 'Who is Dana Whitfield?', 'What model are you?']) {
      const c = await converse(request)
      for (const text of c.texts) expect(text).not.toMatch(NOT_A_MODEL)
    }
  })

  it('every documented example is understood', async () => {
    for (const example of DEMO_EXAMPLES) {
      expect(parseRequest(example.request).kind, example.request).not.toBe('unknown')
      const c = await converse(example.request)
      expect([...new Set(c.calls.map((x) => x.toolName))], example.request).toEqual(example.abilities)
    }
  })

  it('works through generateText (doGenerate) too', async () => {
    const result = await generateText({ model: createDemoModel(), tools, prompt: 'show overdue invoices' })
    expect(result.toolCalls.map((c) => [c.toolName, c.input])).toEqual([['list_overdue_invoices', {}]])
    const help = await generateText({ model: createDemoModel(), prompt: 'sing' })
    expect(help.text).toContain('Settings → AI provider')
  })

  it('stops when aborted', async () => {
    const controller = new AbortController()
    controller.abort()
    const run = streamText({ model: createDemoModel({ chunkDelayMs: 5 }), prompt: 'show deals', tools, abortSignal: controller.signal })
    const seen: string[] = []
    for await (const part of run.stream) seen.push(part.type)
    expect(seen).toContain('abort')
    expect(seen).not.toContain('tool-call')
  })
})
