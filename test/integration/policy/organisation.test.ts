// The organisation policy through the real core (createApp): the sample workspace's administrator
// and an IT policy file in a temp folder feed the same gate, access check and provider guard the
// assistant re-checks at execution. A scripted model stands in for the AI provider.
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { MockLanguageModelV4 } from 'ai/test'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { jsonFileSource } from '../../../src/main/policy/organisation/it-source'
import type { OrgPolicy } from '../../../src/shared/org-policy'
import { scriptedModel, type ScriptStep } from '../../support/scripted-model'
import { openTestApp, stubProviders, tempDir } from '../../support/test-app'

let dir: ReturnType<typeof tempDir>
let opened: Awaited<ReturnType<typeof openTestApp>>[] = []
let itFile: string

beforeEach(() => {
  dir = tempDir()
  opened = []
  itFile = join(dir.path, 'it-policy.json')
})
afterEach(async () => {
  for (const a of opened) await a.close()
  dir.remove()
})

const EMAIL = { to: ['dana.whitfield@acme-marine.example.com'], subject: 'Your invoice', body: 'A friendly reminder.' }

async function start(steps: ScriptStep[], login = 'rita', options: { it?: boolean } = {}) {
  const script = scriptedModel(steps)
  const t = await openTestApp(dir.path, {
    model: () => script.model,
    managedPolicy: options.it ? jsonFileSource(itFile, { pollMs: 50 }) : undefined
  })
  opened.push(t)
  await t.signIn(login)
  return { ...t, script }
}

/** What Ada, the workspace's administrator, does from her own session (another desktop). */
async function adaSets(t: Awaited<ReturnType<typeof start>>, policy: OrgPolicy) {
  const { token } = await t.sample.login('ada')
  await t.sample.setOrganisationPolicy(token, policy)
}

async function pendingEmail(t: Awaited<ReturnType<typeof start>>) {
  const c = await t.h['conversations.create']({})
  await t.say(c.id, 'Email Dana about the invoice')
  const [card] = await t.h['actions.inbox']({})
  expect(card).toMatchObject({ ability: 'send_message', state: 'pending' })
  return { conversationId: c.id, card }
}

async function until(check: () => boolean | Promise<boolean>, ms = 5_000): Promise<void> {
  const deadline = Date.now() + ms
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out')
    await new Promise((r) => setTimeout(r, 25))
  }
}

describe('enforcement at execution', () => {
  it('a card shown before the administrator denies "Send an email" is refused at approval with the reason, and nothing is sent', async () => {
    const t = await start([{ toolCalls: [{ name: 'send_message', input: EMAIL }] }, { text: 'Understood.' }])
    const { card } = await pendingEmail(t)

    await adaSets(t, { abilities: { send_message: { confirmation: 'deny', reason: 'Customer emails go through the shared mailbox.' } } })
    const decided = await t.h['actions.decide']({ actionId: card.id, hash: card.hash, decision: 'approve' })
    await t.app.assistant.idle()

    const after = t.app.ledger.get(decided.id)!
    expect(after.state).toBe('failed')
    expect(after.error).toBe('Blocked by your CRM administrator. Customer emails go through the shared mailbox.')
    expect(await t.admin.outbox()).toEqual([])
    expect(await t.admin.effectCount(card.id)).toBe(0)
  })

  it('a rep who lost access after the card was shown cannot approve it; nothing is sent', async () => {
    const t = await start([{ toolCalls: [{ name: 'send_message', input: EMAIL }] }])
    const { card } = await pendingEmail(t)

    await adaSets(t, { access: { groups: ['Team West'] } })
    await expect(t.h['actions.decide']({ actionId: card.id, hash: card.hash, decision: 'approve' })).rejects.toThrow(
      /Your CRM administrator does not allow Rita Alvarez to use the assistant/
    )
    expect(t.app.ledger.get(card.id)!.state).toBe('pending')
    expect(await t.admin.outbox()).toEqual([])
    expect((await t.h['app.getState']({})).allowed).toBe(false)
  })

  it('an ability switched off is not offered to the model, and does not run if called anyway', async () => {
    const offered: string[][] = []
    const script = scriptedModel([{ toolCalls: [{ name: 'send_message', input: EMAIL }] }, { text: 'I cannot send emails.' }])
    const spy = new MockLanguageModelV4({
      provider: 'test-provider',
      modelId: 'scripted',
      doStream: async (options) => {
        offered.push((options.tools ?? []).map((tool) => tool.name).sort())
        return (script.model as MockLanguageModelV4).doStream(options)
      }
    })
    const t = await openTestApp(dir.path, { model: () => spy })
    opened.push(t)
    await t.signIn('rita')
    await adaSets({ ...t, script }, { abilities: { send_message: { enabled: false, reason: 'Emails are paused this week.' } } })

    const c = await t.h['conversations.create']({})
    await t.say(c.id, 'Email Dana')
    expect(offered[0]).not.toContain('send_message')
    expect(offered[0]).toContain('update_record')
    // The SDK rejects a call to a tool it was not given before the gate sees it; either way nothing runs.
    const view = await t.h['conversations.get']({ conversationId: c.id })
    // The person (and the model) are told the administrator's reason, not "invalid input".
    expect(view.entries.find((e) => e.kind === 'tool')).toMatchObject({ ability: 'send_message', status: 'error', resultText: expect.stringContaining('Emails are paused this week.') })
    expect(t.app.ledger.size).toBe(0)
    expect(await t.admin.outbox()).toEqual([])
    // The gate itself refuses it with the administrator's words (what an execution re-check sees).
    const row = (await t.h['settings.get']({})).policy.find((r) => r.ability.name === 'send_message')!
    expect(row).toMatchObject({ decision: 'deny', off: true, reason: 'Your CRM administrator switched this ability off. Emails are paused this week.' })
  })

  it('a person outside the allowed team sees why and who decides, and no request reaches the provider', async () => {
    const seed = await start([{ text: 'never used' }], 'ada')
    await adaSets(seed, { access: { groups: ['Team East'] } })
    await seed.h['accounts.signIn']({ kind: 'sample', login: 'sam' })

    const state = await seed.h['app.getState']({})
    expect(state.allowed).toBe(false)
    expect(state.accessReason).toBe('Your CRM administrator does not allow Sam Whitaker to use the assistant. Your CRM administrator decides who may use it.')
    await expect(seed.h['conversations.create']({})).rejects.toThrow(/does not allow Sam Whitaker/)
    expect(seed.script.prompts).toHaveLength(0)

    await seed.h['accounts.signIn']({ kind: 'sample', login: 'rita' })
    expect((await seed.h['app.getState']({})).allowed).toBe(true)
  })
})

describe('the sample workspace keeps its policy and only its administrator changes it', () => {
  it('a rep cannot read or save the policy from Countersign, and the workspace refuses a direct change', async () => {
    const t = await start([])
    expect((await t.h['app.getState']({})).organisation?.administrator).toBe(false)
    await expect(t.h['admin.getPolicy']({})).rejects.toThrow(/Only your CRM administrator/)
    await expect(t.h['admin.savePolicy']({ policy: { usersMayLoosen: true } })).rejects.toThrow(/Rita Alvarez may not change the organisation's Countersign policy/)
    const { token } = await t.sample.login('rita')
    await expect(t.sample.setOrganisationPolicy(token, {})).rejects.toMatchObject({ code: 'permission' })
    expect((await t.admin.snapshot()).organisationPolicy ?? null).toBeNull()
  })

  it('the administrator saves a policy that survives a restart and applies to everyone', async () => {
    const t = await start([], 'ada')
    expect((await t.h['app.getState']({})).organisation?.administrator).toBe(true)
    const before = await t.h['admin.getPolicy']({})
    expect(before.directory.groups).toEqual(expect.arrayContaining(['Team East', 'Team West']))
    expect(before.directory.users.map((u) => u.login)).toContain('rita')

    const saved = await t.h['admin.savePolicy']({ policy: { abilities: { send_message: { confirmation: 'deny' } }, maxApprovalHours: 6 } })
    expect(saved.policy).toEqual({ abilities: { send_message: { confirmation: 'deny' } }, maxApprovalHours: 6 })
    expect(saved.updatedBy).toBe('Ada Brooks')

    await t.close()
    opened.pop()
    const again = await start([], 'rita')
    const settings = await again.h['settings.get']({})
    const row = settings.policy.find((r) => r.ability.name === 'send_message')!
    expect(row).toMatchObject({ decision: 'deny', lockedBy: 'your CRM administrator' })
    expect(settings.expiryHours).toBe(6)
    expect(settings.organisation?.sources).toEqual([expect.objectContaining({ kind: 'crm', status: 'active' })])
  })

  it('an invalid policy is refused by the workspace with where it is wrong, and the old one stays', async () => {
    const t = await start([], 'ada')
    await t.h['admin.savePolicy']({ policy: { maxApprovalHours: 6 } })
    const { token } = await t.sample.login('ada')
    await expect(t.sample.setOrganisationPolicy(token, { maxApprovalHours: 0 })).rejects.toThrow(/Not a valid Countersign policy: maxApprovalHours/)
    expect((await t.h['admin.getPolicy']({})).policy).toEqual({ maxApprovalHours: 6 })
  })
})

describe('IT policy file', () => {
  it("sets the organisation's prices, which win over a person's own and show who set them", async () => {
    writeFileSync(itFile, JSON.stringify({ prices: [{ provider: 'openai', model: 'gpt-5.4-mini', inputPerMillion: 0.5, outputPerMillion: 2 }] }))
    const t = await start([{ text: 'unused' }], 'rita', { it: true })
    await t.h['activity.setPrice']({ providerKind: 'openai', model: 'gpt-5.4-mini', inputPerMillion: 9, outputPerMillion: 9 })
    const settings = await t.h['activity.settings']({})
    expect(JSON.stringify(settings)).toContain('Set by your organisation')
    const row = (settings as { prices: { providerKind: string; model: string; inputPerMillion: number; source: string }[] }).prices.find((p) => p.providerKind === 'openai' && p.model === 'gpt-5.4-mini')
    expect(row).toMatchObject({ inputPerMillion: 0.5, source: 'organisation' })
  })

  it('overrides a looser CRM policy, and a change to the file applies to a waiting card', async () => {
    writeFileSync(itFile, JSON.stringify({ abilities: { send_message: { confirmation: 'ask' } } }))
    const t = await start([{ toolCalls: [{ name: 'send_message', input: EMAIL }] }], 'rita', { it: true })
    await adaSets(t, { abilities: { send_message: { confirmation: 'allow' } } })
    await t.h['settings.setConfirmation']({ ability: 'send_message', setting: 'never' })

    // The CRM and the user would let it run unasked; IT says ask.
    const row = (await t.h['settings.get']({})).policy.find((r) => r.ability.name === 'send_message')!
    expect(row).toMatchObject({ decision: 'ask', lockedBy: 'your IT department' })
    const { card } = await pendingEmail(t)

    writeFileSync(itFile, JSON.stringify({ abilities: { send_message: { confirmation: 'deny', reason: 'IT has paused outgoing email.' } } }))
    await until(async () => (await t.h['settings.get']({})).policy.find((r) => r.ability.name === 'send_message')!.decision === 'deny')
    await t.h['actions.decide']({ actionId: card.id, hash: card.hash, decision: 'approve' })
    await t.app.assistant.idle()
    expect(t.app.ledger.get(card.id)).toMatchObject({ state: 'failed', error: 'Blocked by your IT department. IT has paused outgoing email.' })
    expect(await t.admin.outbox()).toEqual([])
  })

  it('a malformed file makes everything ask, with a banner naming the file and the error, until it is fixed', async () => {
    writeFileSync(itFile, '{ "abilities": { "search_records": { "confirmation": "allow" } }, ')
    const t = await start([{ toolCalls: [{ name: 'search_records', input: { type: 'account', text: 'Acme' } }] }, { text: 'ok' }], 'rita', { it: true })

    const state = await t.h['app.getState']({})
    expect(state.organisation?.problems).toEqual([{ source: 'your IT department', location: itFile, error: expect.stringMatching(/^not valid JSON/) }])
    const settings = await t.h['settings.get']({})
    for (const row of settings.policy) {
      expect(row.decision, row.ability.name).toBe('ask')
      expect(row.lockedBy).toBe('your IT department')
    }
    // Even a read waits on a card.
    const c = await t.h['conversations.create']({})
    await t.say(c.id, 'Find Acme')
    expect(await t.h['actions.inbox']({})).toEqual([expect.objectContaining({ ability: 'search_records', state: 'pending' })])

    // A file that is JSON but not the schema: still asks, and says what is wrong.
    writeFileSync(itFile, JSON.stringify({ abilities: { send_mesage: { confirmation: 'deny' } } }))
    await until(async () => /abilities/.test((await t.h['app.getState']({})).organisation?.problems[0]?.error ?? ''))

    writeFileSync(itFile, JSON.stringify({}))
    await until(async () => (await t.h['app.getState']({})).organisation?.problems.length === 0)
    expect((await t.h['settings.get']({})).policy.find((r) => r.ability.name === 'search_records')!.decision).toBe('allow')
  })
})

describe('the user can tighten, never loosen', () => {
  it('with usersMayLoosen false, "Never ask" for a change is refused and not honoured', async () => {
    const t = await start([], 'rita')
    await t.h['settings.setConfirmation']({ ability: 'update_record', setting: 'never' })
    expect((await t.h['settings.get']({})).policy.find((r) => r.ability.name === 'update_record')!.decision).toBe('allow')

    await adaSets(t, { usersMayLoosen: false })
    const settings = await t.h['settings.get']({})
    const row = settings.policy.find((r) => r.ability.name === 'update_record')!
    expect(row).toMatchObject({ decision: 'ask', mayTurnOff: false })
    expect(settings.organisation?.looseningLockedBy).toBe('your CRM administrator')
    await expect(t.h['settings.setConfirmation']({ ability: 'send_message', setting: 'never' })).rejects.toThrow(/does not let you turn confirmation off/)
    // Tightening is still fine, and reads may still skip asking.
    await t.h['settings.setConfirmation']({ ability: 'send_message', setting: 'always' })
    await t.h['settings.setConfirmation']({ ability: 'search_records', setting: 'never' })
  })

  it('approvals wait at most as long as the administrator allows', async () => {
    const t = await start([{ toolCalls: [{ name: 'send_message', input: EMAIL }] }], 'rita')
    await adaSets(t, { maxApprovalHours: 2 })
    await expect(t.h['settings.setExpiryHours']({ hours: 24 })).rejects.toThrow(/at most 2 hours/)
    await t.h['settings.setExpiryHours']({ hours: 1 })
    const { card } = await pendingEmail(t)
    expect(card.expiresAt - card.createdAt).toBe(3_600_000)
    await t.h['settings.setExpiryHours']({ hours: 2 })
    expect((await t.h['settings.get']({})).expiryHours).toBe(2)
  })
})

describe('providers', () => {
  it('a provider the policy forbids is refused before anything is sent, and a choice is checked before it is stored', async () => {
    const script = scriptedModel([{ text: 'should not be asked' }])
    let prepared = 0
    const providers = { ...stubProviders(() => script.model), prepare: async () => { prepared++; throw new Error('stored') } }
    const t = await openTestApp(dir.path, { model: () => script.model, providers })
    opened.push(t)
    await t.signIn('rita')
    await adaSets({ ...t, script }, { providers: { allowed: [{ kind: 'anthropic' }] } })
    await t.h['app.getState']({})

    const c = await t.h['conversations.create']({})
    await t.say(c.id, 'hello')
    expect(script.prompts).toHaveLength(0)
    const notice = (await t.h['conversations.get']({ conversationId: c.id })).entries.find((e) => e.kind === 'notice')
    expect(notice).toMatchObject({ text: expect.stringContaining('Your CRM administrator does not allow this AI provider') })

    await expect(t.h['providers.prepare']({ kind: 'openai', model: 'gpt-4o' })).rejects.toThrow(/not on the list of allowed providers/)
    expect(prepared).toBe(0)
    await expect(t.h['providers.prepare']({ kind: 'anthropic', model: 'claude-sonnet-4-5' })).rejects.toThrow('stored')
    expect(prepared).toBe(1)
    expect((await t.h['settings.get']({})).organisation?.providers.kinds).toEqual(['anthropic'])
  })
})
