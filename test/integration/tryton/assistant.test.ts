// The whole app with the offline demo assistant on a real Tryton server: the README's requests
// as Tryton users would make them. The email request works end to end (card, approval, one
// message at the SMTP sink); a French user's refusal is recognised and shown in French; a long
// answer says how many match in all; a stage Tryton lacks is refused before any card; a card
// states what Tryton adds; a write the user can no longer read back is reported as done.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createDemoModel } from '../../../src/main/providers/demo'
import { tempDir } from '../../support/test-app'
import { DB_NAME, useTrytonServer, type SeedUser } from './server'
import { openTrytonApp } from './app-rig'

const server = useTrytonServer()
let dir: ReturnType<typeof tempDir>
let app: Awaited<ReturnType<typeof openApp>>
const pushed: string[] = []

function openApp() {
  return openTrytonApp(dir.path, { model: () => createDemoModel(), pushed })
}

beforeAll(async () => {
  dir = tempDir('countersign-tryton-demo-')
  app = await openApp()
})
afterAll(async () => {
  await app?.stop()
  dir?.remove()
})

async function signInAs(u: SeedUser) {
  await app.handlers['accounts.signIn']({ kind: 'tryton', serverUrl: server().url, database: DB_NAME, login: u.login, password: u.password })
}

/** Sends one request in a new conversation; returns the assistant's last answer and the actions. */
async function ask(text: string) {
  const c = await app.handlers['conversations.create']({})
  await app.handlers['conversations.send']({ conversationId: c.id, text })
  await app.assistant.idle()
  const conversation = await app.handlers['conversations.get']({ conversationId: c.id })
  const answers = conversation.entries.filter((e) => e.kind === 'assistant').map((e) => (e as { text: string }).text)
  const actions = await app.handlers['actions.forConversation']({ conversationId: c.id })
  return { conversationId: c.id, answer: answers.at(-1) ?? '', actions }
}

async function approve(action: { id: string; hash: string }) {
  await app.handlers['actions.decide']({ actionId: action.id, hash: action.hash, decision: 'approve' })
  await app.assistant.idle()
  return app.ledger.get(action.id)!
}

describe('the demo assistant on a real Tryton server', () => {
  it("the README's email request: the contact who works for the account, a card, one message at the sink", async () => {
    const { users, parties } = server().seed
    await signInAs(users.fiona)
    server().sink.clear()
    const { actions, answer } = await ask('Email Acme Corp about their overdue invoice')
    const [card] = actions.filter((a) => a.state === 'pending')
    expect(card, answer).toBeDefined()
    expect(card.card.detail).toMatchObject({ kind: 'message', to: [{ name: 'Jane Doe', address: 'jane.doe@acme.example' }] })
    expect(card.card.summary).toContain('Tryton keeps a copy of the email')
    expect(server().sink.messages).toHaveLength(0)
    const done = await approve(card)
    expect(done.state).toBe('succeeded')
    expect(server().sink.messages).toHaveLength(1)
    expect(server().sink.messages[0].to).toEqual(['jane.doe@acme.example'])
    expect(parties.jane).toBeGreaterThan(0)
  })

  it("a French user's refusal is recognised as a refusal and shown in Tryton's French words", async () => {
    await signInAs(server().seed.users.francois)
    const { answer } = await ask('Show overdue invoices')
    expect(answer).toContain("You don't have permission for that in the CRM")
    expect(answer).toContain('Vous n')
    expect(answer).not.toContain("That didn't work")
    expect(answer).not.toMatch(/The CRM said: The CRM refused/)
  })

  it('an answer says how many accounts match in all when it shows only the first page', async () => {
    await signInAs(server().seed.users.sam)
    const { answer } = await ask('Find the account Ltd')
    expect(answer).toContain('33 accounts match "Ltd"; here are the first 20')
    expect(answer).not.toMatch(/I found 20 accounts/)
  })

  it('a user who may not read amounts gets the deal list, told the amount is hidden', async () => {
    await signInAs(server().seed.users.amy)
    const { answer } = await ask('Show deals for Acme Corp')
    expect(answer).toContain('Acme renewal')
    expect(answer).toContain('The amount is hidden by your permissions in the CRM.')
    expect(answer).not.toContain('12,000')
  })

  it('a stage Tryton does not have is refused before any card, naming the stages it has', async () => {
    await signInAs(server().seed.users.sam)
    const { actions, answer } = await ask('Move the deal Acme renewal to negotiation')
    expect(actions).toEqual([])
    expect(answer).toContain('Tryton has no deal stage "negotiation"')
    expect(answer).toContain('lead, opportunity, converted, lost, cancelled')
  })

  it('converting a deal: the card says Tryton creates a sales order, and after approval it has', async () => {
    const { users, opportunities } = server().seed
    await signInAs(users.olivia)
    const { actions, answer } = await ask('Move the deal Globex pilot to converted')
    const [card] = actions.filter((a) => a.state === 'pending')
    expect(card, answer).toBeDefined()
    expect(card.card.summary).toContain('Tryton creates a draft sales order for Globex Corporation')
    expect((await approve(card)).state).toBe('succeeded')
    const admin = await server().admin()
    const sales = await admin.searchRead('sale.sale', [['origin', '=', `sale.opportunity,${opportunities.globexPilot}`]], ['state'])
    expect(sales).toHaveLength(1)
  })

  it('a deal moved to a stage the user may not see is reported as done, "you can no longer see this record" (issue 7, item 4)', async () => {
    const { users, opportunities } = server().seed
    await signInAs(users.luke)
    const { actions, answer } = await ask('Move the deal Initech rollout to lost')
    const [card] = actions.filter((a) => a.state === 'pending')
    expect(card, answer).toBeDefined()
    const done = await approve(card)
    expect(done.state).toBe('succeeded')
    expect(done.resultSummary).toContain('You can no longer see this record')
    const [row] = await (await server().admin()).read('sale.opportunity', [opportunities.initechDeal], ['state'])
    expect(row.state).toBe('lost')
  })

  it('a server address with a user name and password in it is refused at sign-in, stored nowhere, never pushed (issue 7, item 10)', async () => {
    const { sam } = server().seed.users
    const before = app.accounts.accounts().length
    pushed.length = 0
    const withCredentials = server().url.replace('http://', 'http://sam:Url-Secret-8812@')
    await expect(
      app.handlers['accounts.signIn']({ kind: 'tryton', serverUrl: withCredentials, database: DB_NAME, login: sam.login, password: sam.password })
    ).rejects.toThrow(/must not contain a user name or password/)
    expect(app.accounts.accounts()).toHaveLength(before)
    expect(app.accounts.accounts().some((a) => (a.serverUrl ?? '').includes('Url-Secret-8812'))).toBe(false)
    expect(pushed.join('\n')).not.toContain('Url-Secret-8812')
    const state = await app.handlers['app.getState']({})
    expect(JSON.stringify(state)).not.toContain('Url-Secret-8812')
    const { readdirSync, readFileSync, statSync } = await import('node:fs')
    const { join } = await import('node:path')
    const walk = (d: string): string[] => readdirSync(d).flatMap((f) => (statSync(join(d, f)).isDirectory() ? walk(join(d, f)) : [join(d, f)]))
    for (const file of walk(dir.path)) expect(readFileSync(file, 'utf8'), file).not.toContain('Url-Secret-8812')
  })
})
