// The safety seams issue 7 found broken, each proved through the real core (createApp on a temp
// folder, the sample workspace's real server and its own record of effects).
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { ActionLedger } from '../../../src/main/actions/ledger'
import { createApp } from '../../../src/main/app'
import { ConversationStore } from '../../../src/main/conversations/store'
import { appendToJournal } from '../../../src/main/storage/journal'
import { SampleConnector, SampleWorkspaceServer, listSampleUsers } from '../../../src/main/crm/sample'
import { sampleAdmin } from '../../../src/main/crm/sample/admin'
import { createSeedWorkspace } from '../../../src/main/crm/sample/seed'
import type { CrmConnector, Credentials } from '../../../src/main/crm/types'
import { RecordingNotifier } from '../../../src/main/notify/types'
import { MemorySecretStore } from '../../../src/main/secrets/memory-store'
import { createNodeStoreFactory } from '../../../src/main/storage/node-store'
import { scriptedModel, type ScriptStep } from '../../support/scripted-model'
import { openTestApp, stubProviders, tempDir, TestClock } from '../../support/test-app'

const cleanups: (() => Promise<void> | void)[] = []
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c()
})

/**
 * Rewrites a conversation on disk as an older build laid it out (one JSON file, which start-up
 * migrates), after `change` — how the tests put damaged or legacy data in place.
 */
function rewriteConversation(dataDir: string, id: string, change: (record: Record<string, unknown>) => void): void {
  const record = structuredClone(new ConversationStore(dataDir, Date.now).get(id)) as unknown as Record<string, unknown>
  change(record)
  writeFileSync(join(dataDir, 'conversations', `${id}.json`), JSON.stringify(record))
  rmSync(join(dataDir, 'conversations', `${id}.jsonl`), { force: true })
}

/** Maria's card for a deal amount, proposed by an app that then closed: the data folder as it left it. */
async function cardLeftOnDisk(amount: number) {
  const dir = tempDir()
  cleanups.push(() => dir.remove())
  const steps: ScriptStep[] = [{ toolCalls: [{ name: 'update_record', input: { type: 'deal', id: openDeal().id, fields: { amount } } }] }]
  const script = scriptedModel(steps)
  const t = await openTestApp(dir.path, { model: () => script.model })
  await t.signIn('maria')
  const c = await t.h['conversations.create']({})
  await t.say(c.id, 'Set the amount')
  const [card] = await t.h['actions.inbox']({})
  await t.close()
  return { dir, steps, script, c, card }
}

function openDeal() {
  const deal = createSeedWorkspace().records.deal.find((d) => d.fields.stage !== 'won' && d.fields.stage !== 'lost')
  if (!deal) throw new Error('no open deal')
  return deal
}

async function open(steps: ScriptStep[], login = 'maria', options: Parameters<typeof openTestApp>[1] extends infer O ? Partial<O> : never = {}) {
  const dir = tempDir()
  const script = scriptedModel(steps)
  const t = await openTestApp(dir.path, { model: () => script.model, ...options })
  cleanups.push(() => dir.remove(), () => t.close())
  await t.signIn(login)
  return { t, dir, script, steps }
}

describe('1. identity is a principal, not a bare CRM user id', () => {
  /**
   * Two CRM databases on one server whose users share an id: a connector that serves two sample
   * workspaces as "Tryton" databases `crm` and `crm2`, each with its own user u-rita.
   */
  async function twoDatabases() {
    const dir = tempDir()
    mkdirSync(join(dir.path, 'crm'))
    mkdirSync(join(dir.path, 'crm2'))
    const clock = new TestClock()
    const servers = {
      crm: await SampleWorkspaceServer.open(join(dir.path, 'crm'), { now: () => new Date(clock.read()) }),
      crm2: await SampleWorkspaceServer.open(join(dir.path, 'crm2'), { now: () => new Date(clock.read()) })
    }
    const tryton: CrmConnector = {
      kind: 'tryton',
      async signIn(credentials: Credentials) {
        if (credentials.kind !== 'tryton') throw new Error('tryton only')
        return new SampleConnector(servers[credentials.database as 'crm' | 'crm2']).signIn({ kind: 'sample', login: credentials.login })
      }
    }
    const steps: ScriptStep[] = []
    const script = scriptedModel(steps)
    const notifier = new RecordingNotifier()
    const stores = createNodeStoreFactory(join(dir.path, 'app'))
    const app = createApp({
      dataDir: join(dir.path, 'app'),
      stores,
      secrets: new MemorySecretStore(),
      notifier,
      clock: clock.read,
      connectors: { sample: new SampleConnector(servers.crm), tryton },
      providers: stubProviders(() => script.model),
      sampleUsers: listSampleUsers
    })
    await app.start()
    cleanups.push(() => dir.remove(), () => app.stop())
    const signIn = (database: 'crm' | 'crm2') =>
      app.handlers['accounts.signIn']({ kind: 'tryton', serverUrl: 'http://127.0.0.1:8000', database, login: 'rita', password: 'pw-rita' })
    return { app, steps, signIn, clock, admins: { crm: sampleAdmin(servers.crm), crm2: sampleAdmin(servers.crm2) }, notifier }
  }

  it("the same user id on another database sees none of the first one's conversations, cards or events, cannot decide them, and an approval writes only to its own database", async () => {
    const { app, steps, signIn, clock, admins, notifier } = await twoDatabases()
    const deal = createSeedWorkspace().records.deal.find((d) => d.fields.ownerId === 'u-rita' && d.fields.stage !== 'won' && d.fields.stage !== 'lost')!
    const h = app.handlers

    const first = await signIn('crm')
    const c = await h['conversations.create']({})
    steps.push({ toolCalls: [{ name: 'update_record', input: { type: 'deal', id: deal.id, fields: { amount: 4_242 } } }] })
    await h['conversations.send']({ conversationId: c.id, text: 'Set the amount' })
    await app.assistant.idle()
    const [card] = await h['actions.inbox']({})
    expect(card).toBeDefined()

    const second = await signIn('crm2')
    expect(second.user!.id).toBe(first.user!.id) // the same CRM user id …
    expect(second.user!.principal).not.toBe(first.user!.principal) // … but another person to the app
    expect(await h['conversations.list']({})).toEqual([])
    expect(await h['actions.inbox']({})).toEqual([])
    await expect(h['conversations.get']({ conversationId: c.id })).rejects.toThrow(/No such conversation/)
    await expect(h['actions.decide']({ actionId: card.id, hash: card.hash, decision: 'approve' })).rejects.toThrow(/Only Rita/)
    expect(notifier.badge).toBe(0)

    // The expiry sweep of the first principal's card pushes nothing to the second one's window.
    const pushed: string[] = []
    const stop = app.events.subscribe((name, payload) => pushed.push(`${name}:${JSON.stringify(payload)}`))
    clock.advanceHours(49)
    app.assistant.sweep()
    stop()
    expect(app.ledger.get(card.id)?.state).toBe('expired')
    expect(pushed.filter((p) => p.includes(card.id) || p.includes(c.id))).toEqual([])

    // Nothing reached either database.
    expect(await admins.crm.effects()).toHaveLength(0)
    expect(await admins.crm2.effects()).toHaveLength(0)
  })

  it('an approval by the right principal writes to its own database only', async () => {
    const { app, steps, signIn, admins } = await twoDatabases()
    const deal = createSeedWorkspace().records.deal.find((d) => d.fields.ownerId === 'u-rita' && d.fields.stage !== 'won' && d.fields.stage !== 'lost')!
    const h = app.handlers
    await signIn('crm')
    const c = await h['conversations.create']({})
    steps.push({ toolCalls: [{ name: 'update_record', input: { type: 'deal', id: deal.id, fields: { amount: 4_242 } } }] }, { text: 'Done.' })
    await h['conversations.send']({ conversationId: c.id, text: 'Set the amount' })
    await app.assistant.idle()
    const [card] = await h['actions.inbox']({})
    await signIn('crm2')
    await signIn('crm') // back as the proposer
    await h['actions.decide']({ actionId: card.id, hash: card.hash, decision: 'approve' })
    await app.assistant.idle()
    expect(app.ledger.get(card.id)?.state).toBe('succeeded')
    expect(await admins.crm.effectCount(card.id)).toBe(1)
    expect(await admins.crm2.effects()).toHaveLength(0)
    const crm2Deal = (await admins.crm2.snapshot()).records.deal.find((d) => d.id === deal.id)!
    expect(crm2Deal.fields.amount).toBe(deal.fields.amount)
  })

  it('data saved under a bare user id before this change is claimed by its principal at start-up, once', async () => {
    const { dir, script, c, card } = await cardLeftOnDisk(77)
    // Rewrite what is on disk into the old shape: `userId: 'u-maria'`, no principal.
    rewriteConversation(dir.path, c.id, (conv) => {
      delete conv.principal
      conv.userId = 'u-maria'
    })
    const journal = readdirSync(join(dir.path, 'ledger')).find((f) => /^open-\d+\.jsonl$/.test(f))!
    const stored = new ActionLedger({ stores: createNodeStoreFactory(dir.path), clock: Date.now, expiryHours: () => 48 }).get(card.id)!
    const { principal: _principal, ...legacyRecord } = stored
    // A later line is a newer state of the same action: the record as an older build wrote it.
    appendToJournal(join(dir.path, 'ledger', journal), [{ ...legacyRecord, userId: 'u-maria' }])
    const t = await openTestApp(dir.path, { model: () => script.model })
    cleanups.push(() => t.close())
    // Maria's account is restored at start-up and claims her old data.
    expect(t.app.appState().user?.login).toBe('maria')
    expect((await t.h['conversations.list']({})).map((x) => x.id)).toEqual([c.id])
    expect((await t.h['actions.inbox']({})).map((a) => a.id)).toEqual([card.id])
    expect(t.app.ledger.get(card.id)?.principal).toBe(t.app.appState().user!.principal)
    // Another person finds none of it.
    await t.signIn('rita')
    expect(await t.h['conversations.list']({})).toEqual([])
    expect(await t.h['actions.inbox']({})).toEqual([])
  })
})

describe('2. settling an unknown outcome runs at most once', () => {
  async function unknownOutcome() {
    const deal = openDeal()
    const steps: ScriptStep[] = [{ toolCalls: [{ name: 'update_record', input: { type: 'deal', id: deal.id, fields: { amount: 31_337 } } }] }]
    let drop = false
    const holder: { t?: Awaited<ReturnType<typeof openTestApp>> } = {}
    const { t } = await open(steps, 'maria', {
      checkpoint: async (name) => {
        if (name === 'executing-on-disk' && drop) holder.t!.admin.setOffline(true)
      }
    })
    holder.t = t
    const c = await t.h['conversations.create']({})
    await t.say(c.id, 'Set the amount')
    const [pending] = await t.h['actions.inbox']({})
    drop = true
    await t.h['actions.decide']({ actionId: pending.id, hash: pending.hash, decision: 'approve' })
    await t.app.assistant.idle()
    drop = false
    t.admin.setOffline(false)
    expect(t.app.ledger.get(pending.id)!.state).toBe('outcome_unknown')
    steps.push({ text: 'Done.' }, { text: 'Done.' }, { text: 'Done.' })
    return { t, action: t.app.ledger.get(pending.id)! }
  }

  it('two quick "Run again" clicks: one runs, the other is refused with a clear message', async () => {
    const { t, action } = await unknownOutcome()
    const results = await Promise.allSettled([
      t.h['actions.settle']({ actionId: action.id, hash: action.hash, resolution: 'run_again' }),
      t.h['actions.settle']({ actionId: action.id, hash: action.hash, resolution: 'run_again' })
    ])
    await t.app.assistant.idle()
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected'])
    expect(String((results.find((r) => r.status === 'rejected') as PromiseRejectedResult).reason.message)).toMatch(/Nothing was done: this action has already run/)
    expect(await t.admin.effectCount(action.id)).toBe(1)
    expect(t.app.ledger.get(action.id)?.state).toBe('succeeded')
  })

  it('"Mark as done" and "Run again" together: never both; nothing runs after it was marked done', async () => {
    for (const order of [['mark_done', 'run_again'], ['run_again', 'mark_done']] as const) {
      const { t, action } = await unknownOutcome()
      const results = await Promise.allSettled(order.map((resolution) => t.h['actions.settle']({ actionId: action.id, hash: action.hash, resolution })))
      await t.app.assistant.idle()
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1)
      const final = t.app.ledger.get(action.id)!
      expect(final.state).toBe('succeeded')
      const effects = await t.admin.effectCount(action.id)
      expect(effects).toBe(order[0] === 'mark_done' ? 0 : 1)
      expect(final.resultSummary === 'Marked as done by you.').toBe(order[0] === 'mark_done')
      // Every settlement that happened has its audit line.
      const audit = t.app.audit.read().filter((e) => e.actionId === action.id)
      expect(audit.filter((e) => e.event === 'settled')).toHaveLength(1)
    }
  })

  it('a double approve runs the action once', async () => {
    const deal = openDeal()
    const { t } = await open([{ toolCalls: [{ name: 'update_record', input: { type: 'deal', id: deal.id, fields: { amount: 5 } } }] }, { text: 'Done.' }])
    const c = await t.h['conversations.create']({})
    await t.say(c.id, 'Set it')
    const [card] = await t.h['actions.inbox']({})
    const results = await Promise.allSettled([1, 2, 3].map(() => t.h['actions.decide']({ actionId: card.id, hash: card.hash, decision: 'approve' })))
    await t.app.assistant.idle()
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1)
    expect(await t.admin.effectCount(card.id)).toBe(1)
  })
})

describe('3. the approval binds what the email will actually do', () => {
  async function emailCard(to: string[], subject = 'Your overdue invoice', body = 'Hello,\nplease pay.') {
    const contact = createSeedWorkspace().records.contact[0]
    const steps: ScriptStep[] = [{ toolCalls: [{ name: 'send_message', input: { to: to.length ? to : [contact.id], subject, body } }] }, { text: 'Sent.' }, { text: 'OK.' }]
    const { t } = await open(steps, 'maria')
    const c = await t.h['conversations.create']({})
    await t.say(c.id, 'Email them')
    return { t, c, contact }
  }

  it("a contact's address changed after the card: the approval is void, a new card shows the new address, and nothing is sent to an address never shown", async () => {
    const { t, contact } = await emailCard([])
    const [card] = await t.h['actions.inbox']({})
    expect(card.card.detail).toMatchObject({ kind: 'message', to: [{ address: contact.fields.email }] })
    await t.admin.editRecordAs('rita', 'contact', contact.id, { email: 'attacker@elsewhere.example' })
    await t.h['actions.decide']({ actionId: card.id, hash: card.hash, decision: 'approve' })
    await t.app.assistant.idle()
    expect(t.app.ledger.get(card.id)?.state).toBe('superseded')
    // The replaced card says what changed, in words.
    expect(t.app.ledger.get(card.id)?.error).toMatch(/the recipients changed: no longer .*; now .*attacker@elsewhere\.example/)
    expect(await t.admin.outbox()).toHaveLength(0)
    const [fresh] = await t.h['actions.inbox']({})
    expect(fresh.card.detail).toMatchObject({ kind: 'message', to: [{ address: 'attacker@elsewhere.example' }] })
    expect(fresh.hash).not.toBe(card.hash)
  })

  it('the email goes exactly to the names and addresses on the approved card', async () => {
    const { t, contact } = await emailCard([])
    const [card] = await t.h['actions.inbox']({})
    await t.h['actions.decide']({ actionId: card.id, hash: card.hash, decision: 'approve' })
    await t.app.assistant.idle()
    const [sent] = await t.admin.outbox()
    expect(sent.to).toEqual((card.card.detail as { to: unknown }).to)
    expect(sent.to).toEqual([expect.objectContaining({ address: contact.fields.email })])
  })

  it.each([
    ['a list in one recipient', ['a@x.example, b@y.example'], 'Your invoice', 'Hi', /not one email address/],
    ['a display name with brackets', ['Dana <dana@x.example>'], 'Your invoice', 'Hi', /not one email address/],
    ['CR/LF in the subject (header injection)', ['dana@x.example'], 'Invoice\r\nBcc: all@x.example', 'Hi', /subject contains a carriage return/],
    ['a line break in the subject', ['dana@x.example'], 'Invoice\nBcc: all@x.example', 'Hi', /subject contains a line break/],
    ['a right-to-left override in the subject', ['dana@x.example'], 'Invoice \u202Efdp.exe', 'Hi', /subject contains a text-direction override/],
    ['a zero-width space in the address', ['da\u200Bna@x.example'], 'Invoice', 'Hi', /to\[0\] contains a zero-width space/],
    ['a bidi isolate in the body', ['dana@x.example'], 'Invoice', 'Pay \u2066now\u2069', /body contains a text-direction override/],
    ['a NUL in the body', ['dana@x.example'], 'Invoice', 'Pay\u0000now', /body contains a control character/]
  ])('%s is refused before any card exists', async (_label, to, subject, body, reason) => {
    const { t, c } = await emailCard(to, subject, body)
    expect(await t.h['actions.inbox']({})).toEqual([])
    expect(t.app.ledger.all()).toHaveLength(0)
    const view = await t.h['conversations.get']({ conversationId: c.id })
    const tool = view.entries.find((e) => e.kind === 'tool')
    expect(tool).toMatchObject({ status: 'error' })
    expect(tool && 'resultText' in tool ? tool.resultText : '').toMatch(reason)
  })

  it('text in other languages, line breaks in the body and emoji sequences pass, and are sent as shown', async () => {
    const contact = createSeedWorkspace().records.contact[0]
    const subject = 'Überfällige Rechnung — 請求書 — فاتورة'
    const body = 'Sehr geehrte Damen und Herren,\n\tbitte zahlen. 👩‍💻 ok'
    const steps: ScriptStep[] = [{ toolCalls: [{ name: 'send_message', input: { to: ['müller@firma.example'], subject, body } }] }, { text: 'Sent.' }]
    const { t } = await open(steps, 'maria')
    await t.admin.editRecordAs('rita', 'contact', contact.id, { email: 'müller@firma.example' })
    const c = await t.h['conversations.create']({})
    await t.say(c.id, 'Email them')
    const [card] = await t.h['actions.inbox']({})
    expect(card.card.detail).toMatchObject({ kind: 'message', subject, body, to: [{ address: 'müller@firma.example' }] })
    await t.h['actions.decide']({ actionId: card.id, hash: card.hash, decision: 'approve' })
    await t.app.assistant.idle()
    expect(await t.admin.outbox()).toEqual([expect.objectContaining({ subject, body })])
  })

  it("a contact whose stored address holds two addresses is refused, so the card never hides a second recipient", async () => {
    const contact = createSeedWorkspace().records.contact[0]
    const steps: ScriptStep[] = [{ toolCalls: [{ name: 'send_message', input: { to: [contact.id], subject: 'Hi', body: 'Hi' } }] }, { text: 'OK.' }]
    const { t } = await open(steps, 'maria')
    await t.admin.editRecordAs('rita', 'contact', contact.id, { email: 'dana@acme.example, boss@acme.example' })
    const c = await t.h['conversations.create']({})
    await t.say(c.id, 'Email them')
    expect(await t.h['actions.inbox']({})).toEqual([])
    const tool = (await t.h['conversations.get']({ conversationId: c.id })).entries.find((e) => e.kind === 'tool')
    expect(tool && 'resultText' in tool ? tool.resultText : '').toMatch(/not a single email address/)
  })
})

describe('6. a crash during a proposal never leaves the conversation stuck', () => {
  it('an open step with no action on disk is closed at start-up; send, retry and stop work', async () => {
    const { dir, steps, script, c } = await cardLeftOnDisk(1)
    // What a kill between the model's answer and the proposal's write leaves: an open step, no action.
    for (const f of readdirSync(join(dir.path, 'ledger'))) writeFileSync(join(dir.path, 'ledger', f), JSON.stringify({ actions: {} }))
    rewriteConversation(dir.path, c.id, (conv) => {
      conv.status = 'waiting'
    })
    writeFileSync(join(dir.path, 'conversations', `${c.id}.json.tmp-1700000000abcdef`), '{"half": ')

    const t = await openTestApp(dir.path, { model: () => script.model })
    cleanups.push(() => t.close())
    expect(t.app.conversations.get(c.id)?.openStep).toBeNull()
    expect(readdirSync(join(dir.path, 'conversations')).filter((f) => f.includes('.tmp-'))).toEqual([])
    const tool = (await t.h['conversations.get']({ conversationId: c.id })).entries.find((e) => e.kind === 'tool')
    expect(tool).toMatchObject({ status: 'error', resultText: expect.stringMatching(/Interrupted before it was handled; nothing was done/) })
    steps.push({ text: 'Back again.' })
    await t.say(c.id, 'Are you there?')
    expect((await t.h['conversations.get']({ conversationId: c.id })).entries.at(-1)).toMatchObject({ kind: 'assistant', text: 'Back again.' })
  })
})

describe('6b. a card on disk whose step the conversation had not saved yet (the conversation commits after the ledger)', () => {
  it('is put back in its conversation at start-up; deciding it runs once and the conversation goes on', async () => {
    const { dir, steps, script, c, card } = await cardLeftOnDisk(41)
    // What a kill right after the ledger's write leaves: the user's message saved, nothing after it.
    rewriteConversation(dir.path, c.id, (conv) => {
      const messages = conv.messages as { role: string }[]
      conv.messages = messages.slice(0, messages.findIndex((m) => m.role === 'user') + 1)
      conv.entries = (conv.entries as { kind: string }[]).filter((e) => e.kind === 'user')
      conv.openStep = null
      conv.status = 'running'
    })
    steps.push({ text: 'Done: the amount is 41.' })
    const t = await openTestApp(dir.path, { model: () => script.model })
    cleanups.push(() => t.close())
    const view = await t.h['conversations.get']({ conversationId: c.id })
    expect(view.status).toBe('waiting')
    expect(view.entries.find((e) => e.kind === 'tool')).toMatchObject({ status: 'waiting', actionId: card.id })
    await t.h['actions.decide']({ actionId: card.id, hash: card.hash, decision: 'approve' })
    await t.app.assistant.idle()
    expect(await t.admin.effectCount(card.id)).toBe(1)
    expect((await t.h['conversations.get']({ conversationId: c.id })).entries.at(-1)).toMatchObject({ kind: 'assistant', text: 'Done: the amount is 41.' })
  })
})

describe('7. the audit log never misses a decision', () => {
  it('a decision on disk without its audit line (a kill in between) gets one at start-up', async () => {
    const dir = tempDir()
    cleanups.push(() => dir.remove())
    const steps: ScriptStep[] = [{ toolCalls: [{ name: 'update_record', input: { type: 'deal', id: openDeal().id, fields: { amount: 2 } } }] }, { text: 'Done.' }]
    const script = scriptedModel(steps)
    let t = await openTestApp(dir.path, { model: () => script.model })
    await t.signIn('maria')
    const c = await t.h['conversations.create']({})
    await t.say(c.id, 'Set it')
    const [card] = await t.h['actions.inbox']({})
    await t.h['actions.decide']({ actionId: card.id, hash: card.hash, decision: 'decline' })
    await t.app.assistant.idle()
    await t.close()
    const auditFile = join(dir.path, 'audit', 'audit.jsonl')
    const lines = readFileSync(auditFile, 'utf8').split('\n').filter(Boolean)
    writeFileSync(auditFile, lines.filter((l) => !l.includes('"decided"')).join('\n') + '\n')

    t = await openTestApp(dir.path, { model: () => script.model })
    cleanups.push(() => t.close())
    const entries = t.app.audit.read().filter((e) => e.actionId === card.id)
    expect(entries.find((e) => e.state === 'declined')).toMatchObject({ event: 'recovered', principal: card.principal, hash: card.hash })
    // Once only.
    await t.close()
    const again = await openTestApp(dir.path, { model: () => script.model })
    cleanups.push(() => again.close())
    expect(again.app.audit.read().filter((e) => e.actionId === card.id && e.state === 'declined')).toHaveLength(1)
  })
})

describe('8. valid JSON of the wrong shape never stops start-up', () => {
  it.each([
    ['accounts.json', '{"accounts": 5}'],
    ['accounts.json', '[1,2]'],
    ['settings.json', '"x"'],
    ['providers.json', 'null']
  ])('%s holding %s: the app starts, says so in plain words, and never shows an absolute path', async (file, content) => {
    const dir = tempDir()
    cleanups.push(() => dir.remove())
    const first = await openTestApp(dir.path, { model: () => { throw new Error('unused') } })
    await first.signIn('maria')
    await first.close()
    writeFileSync(join(dir.path, file), content)
    const t = await openTestApp(dir.path, { model: () => { throw new Error('unused') } })
    cleanups.push(() => t.close())
    const state = t.app.appState()
    if (file !== 'providers.json') expect(state.sessionProblem ?? '').toMatch(/could not be read and (was|were) set aside/)
    expect(state.sessionProblem ?? '').not.toContain(dir.path)
    expect(await t.signIn('rita')).toMatchObject({ user: { login: 'rita' } })
  })

  it('a conversation file of the wrong shape is set aside, named, and the others load', async () => {
    const dir = tempDir()
    cleanups.push(() => dir.remove())
    const first = await openTestApp(dir.path, { model: () => { throw new Error('unused') } })
    await first.signIn('maria')
    // Two conversations (the handler would reuse an untouched one, so straight from the assistant).
    const good = first.app.assistant.createConversation()
    const bad = first.app.assistant.createConversation()
    await first.close()
    rewriteConversation(dir.path, bad.id, (conv) => {
      conv.title = 'Pipeline review'
      conv.entries = 'oops'
    })
    const t = await openTestApp(dir.path, { model: () => { throw new Error('unused') } })
    cleanups.push(() => t.close())
    expect((await t.h['conversations.list']({})).map((c) => c.id)).toEqual([good.id])
    expect(t.app.appState().sessionProblem).toMatch(/The conversation "Pipeline review" could not be read and was set aside/)
  })
})

describe('11. raw internal errors never reach the user', () => {
  it('an unexpected failure inside a request becomes a plain sentence with a code; the details go to the local log', async () => {
    const { t } = await open([])
    const boom = new TypeError("Cannot read properties of undefined (reading 'x') at /home/secret/path/file.ts:12")
    ;(t.app.handlers as Record<string, unknown>)['settings.get'] = async () => {
      throw boom
    }
    const { dispatch } = await import('../../../src/main/ipc/dispatch')
    const envelope = await dispatch(t.app.handlers, 'settings.get', {}, (m, e) => t.app.log.error(m, e))
    expect(envelope).toEqual({ ok: false, error: { code: 'internal', message: expect.stringMatching(/^Something unexpected went wrong/) } })
    expect(JSON.stringify(envelope)).not.toMatch(/TypeError|\/home|reading 'x'/)
    expect(readFileSync(t.app.log.file, 'utf8')).toContain("Cannot read properties of undefined (reading 'x')")
  })

  it('a lost race says what the action is now, not "cannot go from executing to succeeded"', async () => {
    const { toFailure } = await import('../../../src/main/ipc/dispatch')
    const { IllegalTransitionError } = await import('../../../src/main/errors')
    expect(toFailure(new IllegalTransitionError('succeeded', 'executing'))).toEqual({ ok: false, error: { code: 'illegal_transition', message: 'Nothing was done: this action has already run.' } })
  })
})

describe('10. a server address with credentials never stays on disk or reaches the screen', () => {
  it('an account saved with https://user:pass@host has them removed at start-up', async () => {
    const dir = tempDir()
    cleanups.push(() => dir.remove())
    writeFileSync(
      join(dir.path, 'accounts.json'),
      JSON.stringify({
        accounts: [{ id: 'tryton:crm.example:8000/crm/sam', kind: 'tryton', label: 'sam @ crm.example:8000/crm', login: 'sam', serverUrl: 'https://sam:hunter2@crm.example:8000', database: 'crm' }],
        activeId: null
      })
    )
    const t = await openTestApp(dir.path, { model: () => { throw new Error('unused') } })
    cleanups.push(() => t.close())
    expect(readFileSync(join(dir.path, 'accounts.json'), 'utf8')).not.toContain('hunter2')
    expect(JSON.stringify(t.app.appState())).not.toContain('hunter2')
    expect(t.app.accounts.accounts()[0].serverUrl).toBe('https://crm.example:8000')
  })
})
