// Issue 7, defect 1, on a real Tryton server: one trytond, two databases whose users share the
// same numeric ids. Through the app (real Tryton connector, MemorySecretStore since the keychain is
// not what is tested here): the second database's user sees none of the first one's conversations,
// cards or consent, cannot decide its card, and approving the first user's card writes to the
// first database only.
import { afterAll, beforeAll, expect, it } from 'vitest'
import { scriptedModel, type ScriptStep } from '../../support/scripted-model'
import { tempDir } from '../../support/test-app'
import { openTrytonApp } from './app-rig'
import { DB_NAME, dealName, useTrytonServer } from './server'

const server = useTrytonServer({ extraDatabases: ['crm2'] })
const steps: ScriptStep[] = []
const script = scriptedModel(steps)
let dir: ReturnType<typeof tempDir>
let app: Awaited<ReturnType<typeof openTrytonApp>>
const pushed: string[] = []

beforeAll(async () => {
  dir = tempDir('countersign-tryton-identity-')
  app = await openTrytonApp(dir.path, { model: () => script.model, pushed })
})
afterAll(async () => {
  await app?.stop()
  dir?.remove()
})

const signIn = (database: string) => {
  const sam = server().seed.users.sam
  return app.handlers['accounts.signIn']({ kind: 'tryton', serverUrl: server().url, database, login: sam.login, password: sam.password })
}

it('the same Tryton user id on another database is another person: nothing is shared, and an approval writes to its own database only', async () => {
  const h = app.handlers
  const first = await signIn(DB_NAME)
  const dealId = String(server().seed.opportunities.acmeRenewal)
  steps.push({ toolCalls: [{ name: 'update_record', input: { type: 'deal', id: dealId, fields: { amount: 4242 } } }] }, { text: 'Done.' })
  const c = await h['conversations.create']({})
  await h['conversations.send']({ conversationId: c.id, text: 'Set the amount to 4242' })
  await app.assistant.idle()
  const [card] = await h['actions.inbox']({})
  expect(card?.card.summary).toContain('Acme renewal')

  const second = await signIn('crm2')
  expect(second.user!.id).toBe(first.user!.id)
  expect(second.user!.principal).not.toBe(first.user!.principal)
  expect(await h['conversations.list']({})).toEqual([])
  expect(await h['actions.inbox']({})).toEqual([])
  await expect(h['conversations.get']({ conversationId: c.id })).rejects.toThrow(/No such conversation/)
  pushed.length = 0
  await expect(h['actions.decide']({ actionId: card.id, hash: card.hash, decision: 'approve' })).rejects.toThrow(/Only/)
  expect(pushed.filter((p) => p.includes(card.id))).toEqual([])

  // Back as the proposer, on the first database: the approval runs there, and only there.
  await signIn(DB_NAME)
  await h['actions.decide']({ actionId: card.id, hash: card.hash, decision: 'approve' })
  await app.assistant.idle()
  expect(app.ledger.get(card.id)?.state).toBe('succeeded')
  const [inMain] = await (await server().admin()).read('sale.opportunity', [Number(dealId)], ['amount', 'description'])
  const [inCrm2] = await (await server().admin('crm2')).read('sale.opportunity', [Number(dealId)], ['amount', 'description'])
  // Tryton sends Decimals as { __class__: 'Decimal', decimal: '4242' }.
  const amount = (v: unknown) => Number(v && typeof v === 'object' ? (v as { decimal: string }).decimal : v)
  expect(amount(inMain.amount)).toBe(4242)
  expect(amount(inCrm2.amount)).not.toBe(4242)
  expect(inCrm2.description).toBe(dealName('Acme renewal', 'crm2'))
})
