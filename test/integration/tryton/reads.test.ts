// Reads: for each user, what the connector returns equals what that user gets by hand through
// the same JSON-RPC API; what Tryton refuses them, the connector refuses with Tryton's message.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { TrytonConnector } from '../../../src/main/crm/tryton'
import { CrmError, type CrmSession, type RecordType } from '../../../src/main/crm/types'
import { DB_NAME, RpcError, useTrytonServer, type HandClient, type SeedUser } from './server'

const server = useTrytonServer()
const connector = new TrytonConnector()

function signIn(u: SeedUser): Promise<CrmSession> {
  return connector.signIn({ kind: 'tryton', serverUrl: server().url, database: DB_NAME, login: u.login, password: u.password })
}

/** The same question asked by hand: model and domain, written independently of the connector. */
function byHandQuery(type: RecordType, contactCategoryId: number): [string, unknown[]] {
  switch (type) {
    case 'account':
      return ['party.party', [['categories', 'not in', [contactCategoryId]]]]
    case 'contact':
      return ['party.party', [['categories', '=', contactCategoryId]]]
    case 'deal':
      return ['sale.opportunity', []]
    case 'invoice':
      return ['account.invoice', [['type', '=', 'out']]]
  }
}

async function byHandIds(hand: HandClient, type: RecordType): Promise<string[] | { refused: string }> {
  const [model, domain] = byHandQuery(type, server().seed.contactCategoryId)
  try {
    return await hand.ids(model, domain)
  } catch (e) {
    if (e instanceof RpcError && e.trytonMessage) return { refused: e.trytonMessage }
    throw e
  }
}

/** Every id the connector shows, page by page (20 a page, as the assistant asks); each page's total agrees. */
async function connectorIds(session: CrmSession, type: RecordType): Promise<string[] | { refused: string }> {
  try {
    const ids: string[] = []
    for (let offset = 0, pages = 0; pages < 20; pages++) {
      const page = await session.find(type, { limit: 20, offset })
      ids.push(...page.records.map((r) => r.id))
      offset += page.records.length
      if (page.records.length === 0 || offset >= page.total) {
        expect(ids.length).toBe(page.total)
        break
      }
    }
    return ids.sort()
  } catch (e) {
    if (e instanceof CrmError && e.code === 'permission') return { refused: e.message }
    throw e
  }
}

const TYPES: RecordType[] = ['account', 'contact', 'deal', 'invoice']

// amy: a field access rule hides the deal amount; luke: a record rule hides lost deals;
// francois: French; claire: the second company.
describe.each(['sam', 'olivia', 'fiona', 'amy', 'luke', 'francois', 'claire'] as const)('Tryton reads as %s', (who) => {
  let session: CrmSession
  let hand: HandClient

  beforeAll(async () => {
    const u = server().seed.users[who]
    session = await signIn(u)
    hand = await server().hand(u.login, u.password)
  })
  afterAll(async () => {
    await session?.close()
  })

  it('reports who the user is, with their Tryton groups', () => {
    const u = server().seed.users[who]
    expect(session.backend).toBe('tryton')
    expect(session.user.id).toBe(String(u.id))
    expect(session.user.login).toBe(u.login)
    expect(session.user.groups.length).toBeGreaterThan(0)
  })

  it.each(TYPES)('search %s returns exactly the ids the user gets by hand, every page (or the same refusal)', async (type) => {
    const mine = await connectorIds(session, type)
    const theirs = await byHandIds(hand, type)
    expect(mine).toEqual(theirs)
  })

  it('free-text search matches a by-hand ilike search', async () => {
    const mine = (await session.search('account', { text: 'corp' })).map((r) => r.id).sort()
    const theirs = await hand.ids('party.party', [
      ['categories', 'not in', [server().seed.contactCategoryId]],
      ['name', 'ilike', '%corp%']
    ])
    expect(mine).toEqual(theirs)
    expect(mine).toContain(String(server().seed.parties.acme))
  })

  it('listAutomations matches the scenarios the user gets by hand (or the same refusal)', async () => {
    let mine: string[] | { refused: string }
    try {
      mine = (await session.listAutomations()).map((a) => a.id).sort()
    } catch (e) {
      if (!(e instanceof CrmError) || e.code !== 'permission') throw e
      mine = { refused: e.message }
    }
    let theirs: string[] | { refused: string }
    try {
      theirs = await hand.ids('marketing.automation.scenario', [])
    } catch (e) {
      if (!(e instanceof RpcError)) throw e
      theirs = { refused: e.trytonMessage }
    }
    expect(mine).toEqual(theirs)
  })

  it('listOverdueInvoices matches a by-hand computation (or the same refusal)', async () => {
    const asOf = new Date()
    const today = asOf.toISOString().slice(0, 10)
    let mine: unknown
    try {
      mine = (await session.listOverdueInvoices(asOf)).map((i) => ({ id: i.id, days: i.daysOverdue, open: i.amountOpen })).sort((a, b) => a.id.localeCompare(b.id))
    } catch (e) {
      if (!(e instanceof CrmError) || e.code !== 'permission') throw e
      mine = { refused: e.message }
    }
    let theirs: unknown
    try {
      const rows = await hand.searchRead(
        'account.invoice',
        [
          ['type', '=', 'out'],
          ['state', '=', 'posted']
        ],
        ['amount_to_pay', 'lines_to_pay']
      )
      const out: { id: string; days: number; open: number }[] = []
      for (const r of rows) {
        const lines = await hand.read('account.move.line', r.lines_to_pay as number[], ['maturity_date', 'reconciliation'])
        const due = lines
          .filter((l) => l.reconciliation === null)
          .map((l) => l.maturity_date as { year: number; month: number; day: number })
          .map((d) => `${d.year}-${String(d.month).padStart(2, '0')}-${String(d.day).padStart(2, '0')}`)
          .sort()[0]
        const open = Number((r.amount_to_pay as { decimal: string }).decimal)
        if (due && due < today && open > 0) {
          out.push({ id: String(r.id), days: Math.round((Date.parse(today) - Date.parse(due)) / 86_400_000), open })
        }
      }
      theirs = out.sort((a, b) => a.id.localeCompare(b.id))
    } catch (e) {
      if (!(e instanceof RpcError) || !e.trytonMessage) throw e
      theirs = { refused: e.trytonMessage }
    }
    expect(mine).toEqual(theirs)
  })
})

describe('Tryton reads: what the rules mean for each user', () => {
  it('the sales rep sees only their own deals; a colleague\'s deal is null; invoices are refused', async () => {
    const { users, opportunities } = server().seed
    const sam = await signIn(users.sam)
    try {
      const deals = await sam.search('deal', {})
      expect(deals.map((d) => d.id).sort()).toEqual([String(opportunities.acmeRenewal), String(opportunities.acmeUpsell)].sort())
      expect(deals.every((d) => d.fields.ownerId === String(users.sam.employeeId))).toBe(true)
      const renewal = await sam.get('deal', String(opportunities.acmeRenewal))
      expect(renewal?.fields).toMatchObject({ name: 'Acme renewal', stage: 'opportunity', amount: 12000, accountId: String(server().seed.parties.acme) })
      expect(await sam.get('deal', String(opportunities.globexPilot))).toBeNull()
      await expect(sam.listOverdueInvoices(new Date())).rejects.toMatchObject({ code: 'permission', message: expect.stringContaining('You are not allowed to access "Invoice"') })
      // No access to the model at all: Tryton's own refusal, not a silent null.
      await expect(sam.get('invoice', String(server().seed.invoices.acmeOverdue))).rejects.toMatchObject({ code: 'permission', message: expect.stringContaining('You are not allowed to access "Invoice"') })
    } finally {
      await sam.close()
    }
  })

  it('finance sees the overdue invoices with days overdue and amounts, every deal, no draft invoice', async () => {
    const { users, invoices, parties, opportunities } = server().seed
    const fiona = await signIn(users.fiona)
    try {
      const overdue = await fiona.listOverdueInvoices(new Date())
      expect(overdue.map((i) => i.id).sort()).toEqual([String(invoices.acmeOverdue), String(invoices.globexOverdue)].sort())
      const acme = overdue.find((i) => i.id === String(invoices.acmeOverdue))
      expect(acme).toMatchObject({ account: { id: String(parties.acme), name: 'Acme Corp' }, total: 1250, amountOpen: 1250, currency: 'USD' })
      expect(acme?.daysOverdue).toBeGreaterThanOrEqual(44)
      const inv = await fiona.get('invoice', String(invoices.acmeOverdue))
      expect(inv?.fields).toMatchObject({ state: 'posted', total: 1250, amountOpen: 1250, currency: 'USD', accountId: String(parties.acme) })
      expect(inv?.fields.dueDate).toBe(acme?.dueDate)
      // The finance clerks' record rule hides draft invoices.
      expect(await fiona.get('invoice', String(invoices.acmeDraft))).toBeNull()
      expect((await fiona.search('invoice', {})).map((i) => i.id)).not.toContain(String(invoices.acmeDraft))
      expect((await fiona.search('deal', {})).map((d) => d.id).sort()).toEqual(Object.values(opportunities).map(String).sort())
      await expect(fiona.listAutomations()).rejects.toMatchObject({ code: 'permission', message: expect.stringContaining('Marketing Scenario') })
    } finally {
      await fiona.close()
    }
  })

  it('maps parties: companies are accounts, persons (category "Contact") are contacts', async () => {
    const { users, parties } = server().seed
    const sam = await signIn(users.sam)
    try {
      const acme = await sam.get('account', String(parties.acme))
      expect(acme?.fields).toEqual({ name: 'Acme Corp', industry: 'Software', city: 'Springfield', phone: '+1 555 0100', email: 'billing@acme.example' })
      expect(await sam.get('contact', String(parties.acme))).toBeNull()
      const jane = await sam.get('contact', String(parties.jane))
      expect(jane?.fields).toMatchObject({ name: 'Jane Doe', email: 'jane.doe@acme.example', phone: '+1 555 0101' })
      const byWhere = await sam.search('account', { where: { industry: 'Manufacturing' } })
      expect(byWhere.map((r) => r.id)).toEqual([String(parties.globex)])
      const autos = await sam.listAutomations()
      const winback = autos.find((a) => a.name === 'Win back quiet customers')
      expect(winback).toMatchObject({ active: true })
      expect(winback?.description).toContain('We miss you')
      expect(autos.find((a) => a.name === 'Welcome new customers')?.active).toBe(false)
    } finally {
      await sam.close()
    }
  })
})
