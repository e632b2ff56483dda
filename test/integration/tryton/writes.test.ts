// Writes against the real server: allowed writes land; refused writes fail with Tryton's
// refusal and change nothing; a permission revoked between two calls, or a record edited by
// someone else, stops the write cleanly.
import { describe, expect, it } from 'vitest'
import { TrytonConnector } from '../../../src/main/crm/tryton'
import { type CrmSession } from '../../../src/main/crm/types'
import { DB_NAME, useTrytonServer, type SeedUser } from './server'
import { crmError } from '../../support/crm-error'

const server = useTrytonServer()
const connector = new TrytonConnector()

function signIn(u: SeedUser): Promise<CrmSession> {
  return connector.signIn({ kind: 'tryton', serverUrl: server().url, database: DB_NAME, login: u.login, password: u.password })
}

async function withSession<T>(u: SeedUser, fn: (s: CrmSession) => Promise<T>): Promise<T> {
  const s = await signIn(u)
  try {
    return await fn(s)
  } finally {
    await s.close()
  }
}

const OPP_FIELDS = ['description', 'amount', 'state', 'end_date', 'party', 'employee', 'write_date']

const caught = crmError

describe('Tryton writes', () => {
  it('the sales rep updates their own deal; Tryton has the new values and the version moves', async () => {
    const { users, opportunities } = server().seed
    await withSession(users.sam, async (sam) => {
      const before = await sam.get('deal', String(opportunities.acmeRenewal))
      expect(before).not.toBeNull()
      const res = await sam.updateRecord('deal', before!.id, before!.version, { amount: 13500, closeDate: '2030-06-30' }, 'k-upd-1')
      expect(res.summary).toContain('amount → 13500')
      expect(res.record?.version).not.toBe(before!.version)
      const admin = await server().admin()
      const [row] = await admin.read('sale.opportunity', [opportunities.acmeRenewal], OPP_FIELDS)
      expect(row.amount).toEqual({ __class__: 'Decimal', decimal: '13500' })
      expect(row.end_date).toEqual({ __class__: 'date', year: 2030, month: 6, day: 30 })
      const after = await sam.get('deal', before!.id)
      expect(after?.version).toBe(res.record?.version)
    })
  })

  it('a stage change runs the opportunity workflow (lead → opportunity)', async () => {
    const { users, opportunities } = server().seed
    await withSession(users.sam, async (sam) => {
      const before = await sam.get('deal', String(opportunities.acmeUpsell))
      expect(before?.fields.stage).toBe('lead')
      await sam.updateRecord('deal', before!.id, before!.version, { stage: 'opportunity' }, 'k-stage-1')
      expect((await sam.get('deal', before!.id))?.fields.stage).toBe('opportunity')
      const err = await caught(sam.updateRecord('deal', before!.id, (await sam.get('deal', before!.id))!.version, { stage: 'won' }, 'k-stage-2'))
      expect(err.code).toBe('invalid')
    })
  })

  it("a colleague's deal (hidden by the record rule) is refused with Tryton's message; nothing changes", async () => {
    const { users, opportunities } = server().seed
    const admin = await server().admin()
    const [before] = await admin.read('sale.opportunity', [opportunities.globexPilot], OPP_FIELDS)
    await withSession(users.sam, async (sam) => {
      const err = await caught(sam.updateRecord('deal', String(opportunities.globexPilot), 'any-version', { amount: 1 }, 'k-deny-1'))
      expect(err.code).toBe('permission')
      expect(err.message).toMatch(/^You are not allowed to read records .* of "Sale Opportunity"/)
      expect(err.message).toContain('Own opportunities (sales reps)')
    })
    const [after] = await admin.read('sale.opportunity', [opportunities.globexPilot], OPP_FIELDS)
    expect(after).toEqual(before)
  })

  it("finance may read deals but not change them: Tryton's write refusal, nothing changes", async () => {
    const { users, opportunities } = server().seed
    const admin = await server().admin()
    const [before] = await admin.read('sale.opportunity', [opportunities.initechDeal], OPP_FIELDS)
    await withSession(users.fiona, async (fiona) => {
      const deal = await fiona.get('deal', String(opportunities.initechDeal))
      expect(deal).not.toBeNull()
      const err = await caught(fiona.updateRecord('deal', deal!.id, deal!.version, { amount: 1 }, 'k-deny-2'))
      expect(err.code).toBe('permission')
      expect(err.message).toMatch(/You are not allowed to/)
      expect(err.message).toContain('Sale Opportunity')
      const created = await caught(fiona.createRecord('deal', { name: 'Finance side deal', accountId: String(server().seed.parties.acme) }, 'k-deny-3'))
      expect(created.code).toBe('permission')
    })
    const [after] = await admin.read('sale.opportunity', [opportunities.initechDeal], OPP_FIELDS)
    expect(after).toEqual(before)
    expect(await admin.ids('sale.opportunity', [['description', '=', 'Finance side deal']])).toEqual([])
  })

  it('permission revoked (as admin) between two calls: the write fails cleanly, nothing written', async () => {
    const { users, opportunities, opportunityGroupId, salesRepsGroupId } = server().seed
    const admin = await server().admin()
    await withSession(users.sam, async (sam) => {
      const deal = await sam.get('deal', String(opportunities.acmeRenewal))
      expect(deal).not.toBeNull()
      const [before] = await admin.read('sale.opportunity', [opportunities.acmeRenewal], OPP_FIELDS)
      await admin.write('res.user', [users.sam.id], { groups: [['remove', [opportunityGroupId, salesRepsGroupId]]] })
      try {
        const err = await caught(sam.updateRecord('deal', deal!.id, deal!.version, { amount: 99 }, 'k-revoked'))
        expect(err.code).toBe('permission')
        expect(err.message).toContain('You are not allowed to')
        const [after] = await admin.read('sale.opportunity', [opportunities.acmeRenewal], OPP_FIELDS)
        expect(after).toEqual(before)
      } finally {
        await admin.write('res.user', [users.sam.id], { groups: [['add', [opportunityGroupId, salesRepsGroupId]]] })
      }
      // Access restored: the same session may write again (with a fresh version).
      const again = await sam.get('deal', deal!.id)
      await expect(sam.updateRecord('deal', deal!.id, again!.version, { amount: 14000 }, 'k-restored')).resolves.toMatchObject({})
    })
  })

  it("a deal edited by someone else makes updateRecord throw 'conflict'; the other edit stands", async () => {
    const { users, opportunities } = server().seed
    const admin = await server().admin()
    await withSession(users.sam, async (sam) => {
      const deal = await sam.get('deal', String(opportunities.acmeRenewal))
      await admin.write('sale.opportunity', [opportunities.acmeRenewal], { description: 'Acme renewal (edited by admin)' })
      const err = await caught(sam.updateRecord('deal', deal!.id, deal!.version, { name: 'Acme renewal — Countersign' }, 'k-conflict-1'))
      expect(err.code).toBe('conflict')
      const [row] = await admin.read('sale.opportunity', [opportunities.acmeRenewal], ['description'])
      expect(row.description).toBe('Acme renewal (edited by admin)')
      const fresh = await sam.get('deal', deal!.id)
      expect(fresh?.fields.name).toBe('Acme renewal (edited by admin)')
      expect(fresh?.version).not.toBe(deal!.version)
    })
  })

  it("an account whose email was changed elsewhere (contact mechanism only) also gives 'conflict'", async () => {
    const { users, parties } = server().seed
    const admin = await server().admin()
    await withSession(users.sam, async (sam) => {
      const acct = await sam.get('account', String(parties.initech))
      const [mech] = await admin.searchRead('party.contact_mechanism', [['party', '=', parties.initech], ['type', '=', 'email']], ['value'])
      await admin.write('party.contact_mechanism', [mech.id as number], { value: 'finance@initech.example' })
      const err = await caught(sam.updateRecord('account', acct!.id, acct!.version, { city: 'Dallas' }, 'k-conflict-2'))
      expect(err.code).toBe('conflict')
      const [addr] = await admin.searchRead('party.address', [['party', '=', parties.initech]], ['city'])
      expect(addr.city).toBe('Austin')
    })
  })

  it('updates an account (city, industry, email) and creates a contact and a deal', async () => {
    const { users, parties } = server().seed
    const admin = await server().admin()
    await withSession(users.sam, async (sam) => {
      const acct = await sam.get('account', String(parties.globex))
      const res = await sam.updateRecord('account', acct!.id, acct!.version, { city: 'Springfield', industry: 'Retail', email: 'hello@globex.example' }, 'k-acct')
      expect(res.summary).toContain('city → Springfield')
      const updated = await sam.get('account', acct!.id)
      expect(updated?.fields).toMatchObject({ city: 'Springfield', industry: 'Retail', email: 'hello@globex.example' })
      const [row] = await admin.read('party.party', [parties.globex], ['email'])
      expect(row.email).toBe('hello@globex.example')

      const contact = await sam.createRecord('contact', { name: 'Peter Gibbons', email: 'peter@initech.example', phone: '+1 555 0300' }, 'k-create-1')
      expect(contact.record?.type).toBe('contact')
      const contacts = (await sam.search('contact', { text: 'Gibbons' })).map((c) => c.id)
      expect(contacts).toEqual([contact.record!.id])
      expect(await admin.ids('party.party', [['categories', '=', server().seed.contactCategoryId], ['name', '=', 'Peter Gibbons']])).toEqual([contact.record!.id])
      // party_relationship: the contact "Works for" the account, in Tryton and back in Countersign.
      const linked = await sam.createRecord('contact', { name: 'Linked Person', accountId: String(parties.acme) }, 'k-create-2')
      expect((await sam.get('contact', linked.record!.id))?.fields).toMatchObject({ accountId: String(parties.acme), accountName: 'Acme Corp' })
      const [rel] = await admin.read('party.party', [Number(linked.record!.id)], ['relations.to', 'relations.type'])
      expect(rel['relations.']).toEqual([expect.objectContaining({ to: parties.acme, type: server().seed.worksForTypeId })])
      const moved = await sam.get('contact', linked.record!.id)
      await sam.updateRecord('contact', moved!.id, moved!.version, { accountId: String(parties.globex) }, 'k-create-2b')
      expect((await sam.search('contact', { where: { accountId: String(parties.globex) } })).map((c) => c.label)).toContain('Linked Person')
      expect((await sam.search('contact', { where: { accountId: String(parties.acme) } })).map((c) => c.label)).not.toContain('Linked Person')
      expect((await caught(sam.createRecord('contact', { name: 'Titled Person', title: 'CFO' }, 'k-create-2c'))).message).toContain('no job title')

      const deal = await sam.createRecord('deal', { name: 'Initech expansion', accountId: String(parties.initech), amount: 2500, stage: 'opportunity' }, 'k-create-3')
      const got = await sam.get('deal', deal.record!.id)
      expect(got?.fields).toMatchObject({ name: 'Initech expansion', amount: 2500, stage: 'opportunity', ownerId: String(users.sam.employeeId), accountId: String(parties.initech) })
    })
  })

  it('invoices are read-only through Countersign', async () => {
    const { users, invoices } = server().seed
    await withSession(users.fiona, async (fiona) => {
      const inv = await fiona.get('invoice', String(invoices.acmeOverdue))
      const err = await caught(fiona.updateRecord('invoice', inv!.id, inv!.version, { total: 1 }, 'k-inv'))
      expect(err.code).toBe('invalid')
    })
  })

  it('switches an automation off and on; finance is refused by Tryton; a stale version conflicts', async () => {
    const { users, scenarios } = server().seed
    const admin = await server().admin()
    await withSession(users.sam, async (sam) => {
      const a = await sam.getAutomation(String(scenarios.winback))
      expect(a?.active).toBe(true)
      expect((await sam.setAutomation(a!.id, false, a!.version, 'k-auto-1')).summary).toContain('switched off')
      let [row] = await admin.read('marketing.automation.scenario', [scenarios.winback], ['state'])
      expect(row.state).toBe('stopped')
      const stopped = await sam.getAutomation(a!.id)
      expect(stopped?.active).toBe(false)
      const stale = await caught(sam.setAutomation(a!.id, true, a!.version, 'k-auto-2'))
      expect(stale.code).toBe('conflict')
      await sam.setAutomation(a!.id, true, stopped!.version, 'k-auto-3')
      ;[row] = await admin.read('marketing.automation.scenario', [scenarios.winback], ['state'])
      expect(row.state).toBe('running')
    })
    await withSession(users.fiona, async (fiona) => {
      // Tryton's refusal, in Tryton's words: not "no automation with that id".
      const read = await caught(fiona.getAutomation(String(scenarios.welcome)))
      expect(read.code).toBe('permission')
      expect(read.message).toContain('Marketing Scenario')
      const err = await caught(fiona.setAutomation(String(scenarios.welcome), true, 'v', 'k-auto-4'))
      expect(err.code).toBe('permission')
      expect(err.message).toContain('Marketing Scenario')
    })
    const [welcome] = await admin.read('marketing.automation.scenario', [scenarios.welcome], ['state'])
    expect(welcome.state).toBe('draft')
  })

  it("reconcile says 'unknown' for writes it cannot prove", async () => {
    await withSession(server().seed.users.sam, async (sam) => {
      expect(await sam.reconcile('k-upd-1')).toEqual({ status: 'unknown' })
    })
  })
})
