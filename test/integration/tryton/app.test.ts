// The whole app against a real Tryton server: sign-in through the app with the password in the
// real OS keychain (run inside scripts/with-keyring.sh), nothing secret in any file the app wrote,
// and approvals through the real assistant loop: a record edited by someone else supersedes the
// card with fresh values; a permission revoked before approval fails cleanly; a server that is
// down leaves the approved action waiting, not lost.
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createApp } from '../../../src/main/app'
import { SampleConnector, SampleWorkspaceServer, listSampleUsers } from '../../../src/main/crm/sample'
import { TrytonConnector } from '../../../src/main/crm/tryton'
import { RecordingNotifier } from '../../../src/main/notify/types'
import { KeytarSecretStore } from '../../../src/main/secrets/keytar-store'
import { secretKeys } from '../../../src/main/secrets/types'
import { createNodeStoreFactory } from '../../../src/main/storage/node-store'
import { scriptedModel, type ScriptStep } from '../../support/scripted-model'
import { stubProviders, tempDir } from '../../support/test-app'
import { ADMIN, DB_NAME, useTrytonServer } from './server'

const server = useTrytonServer()
const secrets = new KeytarSecretStore()
let dir: ReturnType<typeof tempDir>
const steps: ScriptStep[] = []
const script = scriptedModel(steps)

async function openApp() {
  const stores = createNodeStoreFactory(dir.path)
  const app = createApp({
    dataDir: dir.path,
    stores,
    secrets,
    notifier: new RecordingNotifier(),
    clock: Date.now,
    connectors: { sample: new SampleConnector(await SampleWorkspaceServer.open(dir.path)), tryton: new TrytonConnector() },
    providers: stubProviders(() => script.model),
    sampleUsers: listSampleUsers
  })
  app.events.subscribe((name, payload) => pushed.push(`${name} ${JSON.stringify(payload)}`))
  await app.start()
  return app
}

let app: Awaited<ReturnType<typeof openApp>>
/** Everything pushed to the renderer, to prove no secret is ever sent there. */
const pushed: string[] = []

beforeAll(async () => {
  if (!process.env.COUNTERSIGN_KEYRING) throw new Error('Run this file inside scripts/with-keyring.sh (npm test does): it needs the real OS keychain.')
  dir = tempDir('countersign-tryton-app-')
  app = await openApp()
})
afterAll(async () => {
  await app?.stop()
  dir?.remove()
})

const sam = () => server().seed.users.sam
const credentials = () => ({ kind: 'tryton' as const, serverUrl: server().url, database: DB_NAME, login: sam().login, password: sam().password })

async function proposeAmount(amount: number) {
  const session = app.accounts.sessionFor(app.accounts.user()!.principal)
  const [deal] = await session.search('deal', {})
  steps.push({ toolCalls: [{ name: 'update_record', input: { type: 'deal', id: deal.id, fields: { amount } } }] })
  const c = await app.handlers['conversations.create']({})
  await app.handlers['conversations.send']({ conversationId: c.id, text: `Set the amount to ${amount}` })
  await app.assistant.idle()
  const [action] = (await app.handlers['actions.forConversation']({ conversationId: c.id })).filter((a) => a.state === 'pending')
  return { deal, action, conversationId: c.id }
}

describe('the app on a real Tryton server', () => {
  it('refuses a wrong password clearly, storing nothing', async () => {
    await expect(app.handlers['accounts.signIn']({ ...credentials(), password: 'not-the-password' })).rejects.toThrow()
    expect(app.accounts.accounts()).toHaveLength(0)
  })

  it('signs in with the password kept only in the OS keychain, and restores the session after a restart', async () => {
    const state = await app.handlers['accounts.signIn'](credentials())
    expect(state.user?.login).toBe(sam().login)
    const account = state.account!
    expect(account.serverUrl).toBe(server().url)
    expect(await secrets.get(secretKeys.crm(account.id))).toBe(sam().password)

    await app.stop()
    app = await openApp()
    expect(app.appState().user?.login).toBe(sam().login)
  })

  it('supersedes an approval when someone else edits the deal, and shows a fresh card with their value', async () => {
    const { deal, action } = await proposeAmount(12_345)
    expect(action.card.detail.kind).toBe('update')
    const admin = await server().admin()
    await admin.write('sale.opportunity', [Number(deal.id)], { amount: { __class__: 'Decimal', decimal: '777' } })

    await app.handlers['actions.decide']({ actionId: action.id, hash: action.hash, decision: 'approve' })
    await app.assistant.idle()
    const old = app.ledger.get(action.id)!
    expect(old.state).toBe('superseded')
    const fresh = app.ledger.get(old.supersededBy!)!
    expect(fresh.state).toBe('pending')
    expect(JSON.stringify(fresh.card.detail)).toContain('777')
    const [row] = await admin.read('sale.opportunity', [Number(deal.id)], ['amount'])
    expect(JSON.stringify(row.amount)).toContain('777')

    steps.push({ text: 'done' })
    await app.handlers['actions.decide']({ actionId: fresh.id, hash: fresh.hash, decision: 'approve' })
    await app.assistant.idle()
    expect(app.ledger.get(fresh.id)!.state).toBe('succeeded')
    const [after] = await admin.read('sale.opportunity', [Number(deal.id)], ['amount'])
    expect(JSON.stringify(after.amount)).toContain('12345')
  })

  it('fails an approved action with the CRM\'s reason when the permission was revoked in between; nothing is written', async () => {
    const { deal, action } = await proposeAmount(4_321)
    const admin = await server().admin()
    const { opportunityGroupId, salesRepsGroupId } = server().seed
    const [before] = await admin.read('sale.opportunity', [Number(deal.id)], ['amount'])
    await admin.write('res.user', [sam().id], { groups: [['remove', [opportunityGroupId, salesRepsGroupId]]] })
    try {
      steps.push({ text: 'It failed.' })
      await app.handlers['actions.decide']({ actionId: action.id, hash: action.hash, decision: 'approve' })
      await app.assistant.idle()
      const failed = app.ledger.get(action.id)!
      expect(failed.state).toBe('failed')
      expect(failed.error).toMatch(/not allowed|permission|access/i)
      const [after] = await admin.read('sale.opportunity', [Number(deal.id)], ['amount'])
      expect(after.amount).toEqual(before.amount)
    } finally {
      await admin.write('res.user', [sam().id], { groups: [['add', [opportunityGroupId, salesRepsGroupId]]] })
    }
  })

  it('wrote no password, admin password or session anywhere in its data folder', () => {
    const secretsToFind = [sam().password, ADMIN.password, Buffer.from(`${sam().login}:`).toString('base64').slice(0, 8)]
    for (const file of filesUnder(dir.path)) {
      const text = readFileSync(file, 'utf8')
      for (const secret of secretsToFind.slice(0, 2)) expect(text.includes(secret), `${file} contains a secret`).toBe(false)
      expect(/Session [A-Za-z0-9+/=]{16,}/.test(text), `${file} contains a session header`).toBe(false)
    }
  })

  it('sent no password or session to the renderer, in any event or reply', async () => {
    pushed.push(JSON.stringify(await app.handlers['app.getState']({})), JSON.stringify(await app.handlers['settings.get']({})))
    expect(pushed.length).toBeGreaterThan(5)
    for (const message of pushed) {
      expect(message.includes(sam().password)).toBe(false)
      expect(/Session [A-Za-z0-9+/=]{16,}/.test(message)).toBe(false)
    }
  })

  it('keeps an approved action waiting, not lost, while the server is down', async () => {
    const { action, conversationId } = await proposeAmount(2_222)
    await server().stop()
    await app.handlers['actions.decide']({ actionId: action.id, hash: action.hash, decision: 'approve' })
    await app.assistant.idle()
    expect(app.ledger.get(action.id)!.state).toBe('approved')
    const view = await app.handlers['conversations.get']({ conversationId })
    const notice = view.entries.filter((e) => e.kind === 'notice').at(-1)
    expect(notice).toMatchObject({ retryable: true })
    expect(notice && 'text' in notice ? notice.text : '').toMatch(/reach|unavailable|down|connect/i)
  })

  it('signs out and removes the password from the keychain', async () => {
    const account = app.accounts.active()!
    await app.handlers['accounts.signOut']({ accountId: account.id })
    expect(await secrets.get(secretKeys.crm(account.id))).toBeNull()
    expect(app.appState().user).toBeNull()
  })
})

function filesUnder(root: string): string[] {
  return readdirSync(root).flatMap((name) => {
    const path = join(root, name)
    return statSync(path).isDirectory() ? filesUnder(path) : [path]
  })
}
