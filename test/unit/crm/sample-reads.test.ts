// Reads through the sample connector, per user: what each one sees is decided by the server.
import { describe, expect, it } from 'vitest'
import { listSampleUsers } from '../../../src/main/crm/sample/index'
import { crmError, workspace } from './sample-fixture'

const NOW = new Date('2026-03-15T10:00:00Z')
const DAY = 86_400_000

describe('sample workspace: seed and sign-in', () => {
  it('seeds a realistic company workspace', async () => {
    const { admin } = await workspace({ now: () => NOW })
    const ws = await admin.snapshot()
    expect(ws.company).toBe('Harbor & Pine Supply')
    expect(ws.users.length).toBeGreaterThanOrEqual(4)
    expect(ws.records.account).toHaveLength(8)
    expect(ws.records.contact).toHaveLength(12)
    expect(ws.records.deal).toHaveLength(11)
    expect(ws.records.invoice).toHaveLength(10)
    expect(ws.automations).toHaveLength(4)
    expect(ws.outbox).toEqual([])
    expect(new Set(ws.records.deal.map((d) => d.fields.stage))).toEqual(
      new Set(['prospecting', 'qualification', 'proposal', 'negotiation', 'won', 'lost'])
    )
    for (const c of ws.records.contact) expect(String(c.fields.email)).toMatch(/@[a-z-]+\.example\.com$/)
    for (const i of ws.records.invoice) expect(String(i.fields.dueDate)).toMatch(/^\d{4}-\d{2}-\d{2}$/)
  })

  it('lists the users for the sign-in picker', () => {
    const users = listSampleUsers()
    expect(users.map((u) => u.login)).toEqual(expect.arrayContaining(['rita', 'frank', 'maria', 'sam']))
    expect(users.find((u) => u.login === 'rita')).toEqual({ login: 'rita', name: 'Rita Alvarez', role: 'Sales rep, team East' })
  })

  it('signs in with a sample login and reports the user with role and team', async () => {
    const { as } = await workspace()
    const rita = await as('rita')
    expect(rita.backend).toBe('sample')
    expect(rita.user).toEqual({ id: 'u-rita', name: 'Rita Alvarez', login: 'rita', groups: ['Sales rep', 'Team East'] })
    expect((await as('frank')).user.groups).toEqual(['Finance'])
    expect(JSON.stringify(rita)).not.toMatch(/token/i)
  })

  it('refuses an unknown login and a non-sample credential', async () => {
    const { as, connector } = await workspace()
    expect((await crmError(as('mallory'))).code).toBe('auth')
    const e = await crmError(connector.signIn({ kind: 'tryton', serverUrl: 'http://x', database: 'd', login: 'a', password: 'p' }))
    expect(e.code).toBe('auth')
  })
})

describe('sample workspace: invoices are finance and manager only', () => {
  it('rita cannot read invoices and gets a clear refusal', async () => {
    const { as } = await workspace({ now: () => NOW })
    const rita = await as('rita')
    for (const call of [rita.listOverdueInvoices(NOW), rita.search('invoice', {}), rita.get('invoice', 'inv-1')]) {
      const e = await crmError(call)
      expect(e.code).toBe('permission')
      expect(e.message).toBe('Rita Alvarez may not read invoices')
    }
  })

  it('frank sees the overdue invoices with days overdue and amounts', async () => {
    const { as } = await workspace({ now: () => NOW })
    const frank = await as('frank')
    const overdue = await frank.listOverdueInvoices(NOW)
    expect(overdue.map((i) => i.id)).toEqual(['inv-5', 'inv-1', 'inv-2', 'inv-3', 'inv-7'])
    expect(overdue[0]).toEqual({
      id: 'inv-5',
      number: 'INV-2026-1005',
      account: { id: 'acc-5', name: 'Pacific Timberline Co.' },
      dueDate: '2026-01-09',
      daysOverdue: 65,
      total: 56000,
      amountOpen: 56000,
      currency: 'USD'
    })
    expect(overdue.find((i) => i.id === 'inv-2')).toMatchObject({ total: 31750, amountOpen: 15000, daysOverdue: 20 })
    expect((await frank.search('invoice', {})).length).toBe(10)
  })

  it('overdue invoices stay overdue as time passes', async () => {
    const { as } = await workspace({ now: () => NOW })
    const maria = await as('maria')
    const later = await maria.listOverdueInvoices(new Date(NOW.getTime() + 30 * DAY))
    expect(later.find((i) => i.id === 'inv-5')?.daysOverdue).toBe(95)
    // the invoices due in 10, 15 and 25 days are overdue by then too; paid ones never are
    expect(later.map((i) => i.id).sort()).toEqual(['inv-1', 'inv-10', 'inv-2', 'inv-3', 'inv-4', 'inv-5', 'inv-7', 'inv-8'])
  })
})

describe('sample workspace: deals by team', () => {
  const dealOwners = async (login: string) => {
    const { as } = await workspace()
    const s = await as(login)
    return new Set((await s.search('deal', { limit: 50 })).map((d) => d.fields.ownerId))
  }

  it('rita sees her own and her team’s deals, not the other team’s', async () => {
    expect(await dealOwners('rita')).toEqual(new Set(['u-rita', 'u-theo']))
  })

  it('sam sees only team West', async () => {
    expect(await dealOwners('sam')).toEqual(new Set(['u-sam']))
  })

  it('maria and frank see all deals', async () => {
    expect(await dealOwners('maria')).toEqual(new Set(['u-rita', 'u-theo', 'u-sam', 'u-maria']))
    expect(await dealOwners('frank')).toEqual(new Set(['u-rita', 'u-theo', 'u-sam', 'u-maria']))
  })

  it('get returns null for another team’s deal and the record for a visible one', async () => {
    const { as } = await workspace()
    const rita = await as('rita')
    const samsDeal = (await (await as('sam')).search('deal', { text: 'glulam' }))[0]
    expect(await rita.get('deal', samsDeal.id)).toBeNull()
    expect(await rita.get('deal', 'deal-999')).toBeNull()
    const own = await rita.get('deal', 'deal-1')
    expect(own).toMatchObject({
      type: 'deal',
      id: 'deal-1',
      label: 'Spring dock hardware order (Acme Marine Outfitters)',
      fields: {
        name: 'Spring dock hardware order',
        stage: 'proposal',
        amount: 48500,
        accountId: 'acc-1',
        accountName: 'Acme Marine Outfitters',
        ownerId: 'u-rita',
        ownerName: 'Rita Alvarez',
        team: 'East'
      }
    })
    expect(own?.version).toMatch(/^1-/)
  })
})

describe('sample workspace: search', () => {
  it('matches text case-insensitively on name or label', async () => {
    const { as } = await workspace()
    const maria = await as('maria')
    expect((await maria.search('account', { text: 'BLUEWATER' })).map((a) => a.id)).toEqual(['acc-2'])
    expect((await maria.search('contact', { text: 'acme marine' })).map((c) => c.id).sort()).toEqual(['con-1', 'con-2'])
  })

  it('filters with exact matches on canonical fields', async () => {
    const { as } = await workspace()
    const maria = await as('maria')
    const proposals = await maria.search('deal', { where: { stage: 'proposal' } })
    expect(proposals.map((d) => d.id).sort()).toEqual(['deal-1', 'deal-7'])
    expect((await maria.search('contact', { where: { accountId: 'acc-7' } })).map((c) => c.id).sort()).toEqual(['con-10', 'con-11'])
    expect(await maria.search('deal', { where: { stage: 'propos' } })).toEqual([])
    const e = await crmError(maria.search('deal', { where: { colour: 'red' } }))
    expect(e.code).toBe('invalid')
    expect(e.message).toContain('colour')
  })

  it('limits results: 20 by default, 50 at most', async () => {
    const { as } = await workspace()
    const maria = await as('maria')
    for (let i = 0; i < 60; i++) await maria.createRecord('account', { name: `Bulk ${i}` }, `bulk-${i}`)
    expect(await maria.search('account', {})).toHaveLength(20)
    expect(await maria.search('account', { limit: 500 })).toHaveLength(50)
    expect(await maria.search('account', { limit: 3 })).toHaveLength(3)
  })
})

describe('sample workspace: automations and recipients', () => {
  it('everyone may list automations; each says what switching it on does', async () => {
    const { as } = await workspace()
    const rita = await as('rita')
    const list = await rita.listAutomations()
    expect(list).toHaveLength(4)
    for (const a of list) expect(a.description).toMatch(/^When on, /)
    expect(await rita.getAutomation('auto-1')).toEqual(list[0])
    expect(await rita.getAutomation('auto-99')).toBeNull()
  })

  it('resolves contact ids and addresses of readable contacts', async () => {
    const { as } = await workspace()
    const rita = await as('rita')
    expect(await rita.resolveRecipients(['con-1', 'GRACE.HOLLOWAY@bluewater.example.com', 'con-1'], { type: 'deal', id: 'deal-1' })).toEqual([
      { name: 'Dana Whitfield', address: 'dana.whitfield@acme-marine.example.com' },
      { name: 'Grace Holloway', address: 'grace.holloway@bluewater.example.com' }
    ])
  })

  it('refuses an unknown address', async () => {
    const { as } = await workspace()
    const e = await crmError((await as('rita')).resolveRecipients(['someone@elsewhere.example.org'], null))
    expect(e.code).toBe('invalid')
    expect(e.message).toContain('someone@elsewhere.example.org')
  })

  it('refuses recipients for a message about a record the user cannot read', async () => {
    const { as } = await workspace()
    const rita = await as('rita')
    const e = await crmError(rita.resolveRecipients(['con-1'], { type: 'invoice', id: 'inv-1' }))
    expect(e.code).toBe('permission')
    expect(e.message).toBe('Cannot send a message about invoice inv-1: Rita Alvarez may not read invoices')
    expect((await crmError(rita.resolveRecipients(['con-7'], { type: 'deal', id: 'deal-7' }))).code).toBe('permission')
  })
})
