// Countersign's Tryton module (tryton/modules/countersign) on a real Tryton 6.0 server: the
// organisation policy read through each user's own session, "Countersign Users" deciding who may
// use the assistant, and Tryton itself refusing a policy change from anyone outside "Countersign
// Administration". A second server without the module has no organisation policy.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { scriptedModel } from '../../support/scripted-model'
import { tempDir } from '../../support/test-app'
import { DB_NAME, RpcError, useTrytonServer, type TrytonTestServer } from './server'
import { openTrytonApp } from './app-rig'

const withModule = useTrytonServer({ extraModules: ['countersign'] })
const withoutModule = useTrytonServer()
const script = scriptedModel([])
const dirs: ReturnType<typeof tempDir>[] = []
const apps: { stop(): Promise<void> }[] = []

async function openApp() {
  const dir = tempDir('countersign-tryton-policy-')
  dirs.push(dir)
  const app = await openTrytonApp(dir.path, { model: () => script.model })
  apps.push(app)
  return app
}

function signIn(app: Awaited<ReturnType<typeof openApp>>, server: TrytonTestServer, who: 'sam' | 'olivia') {
  const user = server.seed.users[who]
  return app.handlers['accounts.signIn']({ kind: 'tryton', serverUrl: server.url, database: DB_NAME, login: user.login, password: user.password })
}

async function groupId(server: TrytonTestServer, name: string): Promise<number> {
  const admin = await server.admin()
  const [group] = await admin.searchRead('res.group', [['name', '=', name]], ['id'])
  if (!group) throw new Error(`no group ${name}`)
  return Number(group.id)
}

beforeAll(async () => {
  // Sam is a Countersign user; Olivia is not.
  const admin = await withModule().admin()
  await admin.write('res.user', [withModule().seed.users.sam.id], { groups: [['add', [await groupId(withModule(), 'Countersign Users')]]] })
}, 60_000)

afterAll(async () => {
  for (const app of apps) await app.stop()
  for (const dir of dirs) dir.remove()
})

describe('Tryton with the Countersign module', () => {
  it('a member of "Countersign Users" may use the assistant; someone outside it sees why, and nothing reaches the provider', async () => {
    const app = await openApp()
    const asSam = await signIn(app, withModule(), 'sam')
    expect(asSam.allowed).toBe(true)
    expect(asSam.organisation?.problems).toEqual([])

    const asOlivia = await signIn(app, withModule(), 'olivia')
    expect(asOlivia.allowed).toBe(false)
    expect(asOlivia.accessReason).toMatch(/^Your CRM administrator does not allow .+ to use the assistant\. Your CRM administrator decides who may use it\.$/)
    await expect(app.handlers['conversations.create']({})).rejects.toThrow(/does not allow/)
    expect(script.prompts).toHaveLength(0)

    const settings = await app.handlers['settings.get']({})
    expect(settings.organisation?.sources).toEqual([expect.objectContaining({ kind: 'crm', status: 'active' })])
    // The module's default: changes ask, and the user cannot undo that.
    expect(settings.policy.find((r) => r.ability.name === 'send_message')).toMatchObject({ decision: 'ask', lockedBy: 'your CRM administrator' })
  })

  it('a user outside "Countersign Administration" cannot change the policy: Tryton refuses', async () => {
    const server = withModule()
    const sam = await server.hand(server.seed.users.sam.login, server.seed.users.sam.password)
    const [before] = await sam.read('countersign.policy', [1], ['document'])
    const attempt = sam.write('countersign.policy', [1], { document: '{"access": {"users": ["sam"]}}' })
    await expect(attempt).rejects.toBeInstanceOf(RpcError)
    await expect(attempt).rejects.toSatisfy((e: RpcError) => /not allowed|access/i.test(e.trytonMessage))
    const [after] = await sam.read('countersign.policy', [1], ['document'])
    expect(after.document).toBe(before.document)
  })

  it('what the administrator saves in Tryton applies to each user through their own session, and a broken document asks everything', async () => {
    const server = withModule()
    const admin = await server.admin()
    await admin.write('countersign.policy', [1], {
      document: JSON.stringify({ access: { groups: ['Countersign Users'] }, abilities: { send_message: { confirmation: 'deny', reason: 'Emails go out from the shop floor only.' } } })
    })
    const app = await openApp()
    await signIn(app, server, 'sam')
    const row = (await app.handlers['settings.get']({})).policy.find((r) => r.ability.name === 'send_message')!
    expect(row).toMatchObject({ decision: 'deny', lockedBy: 'your CRM administrator', reason: 'Blocked by your CRM administrator. Emails go out from the shop floor only.' })

    // Tryton's module refuses what is not JSON at all; what is JSON but not the schema reaches the app, which asks.
    await expect(admin.write('countersign.policy', [1], { document: 'not json' })).rejects.toBeInstanceOf(RpcError)
    await admin.write('countersign.policy', [1], { document: JSON.stringify({ abilities: { send_message: { confirmation: 'block' } } }) })
    const state = await app.handlers['app.getState']({})
    expect(state.organisation?.problems).toEqual([{ source: 'your CRM administrator', location: expect.stringContaining('Tryton'), error: expect.stringContaining('abilities.send_message.confirmation') }])
    for (const r of (await app.handlers['settings.get']({})).policy) expect(r.decision, r.ability.name).toBe('ask')
  })
})

describe('Tryton without the module', () => {
  it('has no organisation policy, and Settings says so', async () => {
    const app = await openApp()
    const state = await signIn(app, withoutModule(), 'olivia')
    expect(state.allowed).toBe(true)
    expect(state.organisation?.problems).toEqual([])
    const settings = await app.handlers['settings.get']({})
    expect(settings.organisation?.sources).toEqual([
      expect.objectContaining({ kind: 'crm', status: 'none', detail: 'This Tryton server does not have the Countersign module, so it sets no organisation policy.' })
    ])
    expect(settings.policy.find((r) => r.ability.name === 'send_message')).toMatchObject({ decision: 'ask', lockedBy: null })
  })
})
