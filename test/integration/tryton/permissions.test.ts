// Issue 10 against the real Tryton server, through the abilities (what the assistant shows and
// proposes) and the connector: a field access rule hides a field and nothing else; a second
// company's user sees only her company; refusals are recognised in French; a card is refused
// for a stage move Tryton cannot make; the Account column is filled; automations are in words;
// the overdue invoices are chosen by Tryton; a server version not tested against is refused.
import http from 'node:http'
import type net from 'node:net'
import { describe, expect, it } from 'vitest'
import { crmAbilities } from '../../../src/main/abilities/crm-abilities'
import type { ReadAbility, WriteAbility } from '../../../src/main/abilities/types'
import { TrytonConnector } from '../../../src/main/crm/tryton'
import type { CrmSession } from '../../../src/main/crm/types'
import { crmError } from '../../support/crm-error'
import { DB_NAME, useTrytonServer, type SeedUser } from './server'

const server = useTrytonServer()
const abilities = new Map(crmAbilities().map((a) => [a.name, a]))
const write = (name: string) => abilities.get(name) as WriteAbility<any>
const read = (name: string) => abilities.get(name) as ReadAbility<any>

async function withSession<T>(u: SeedUser, fn: (s: CrmSession) => Promise<T>, connector = new TrytonConnector()): Promise<T> {
  const s = await connector.signIn({ kind: 'tryton', serverUrl: server().url, database: DB_NAME, login: u.login, password: u.password })
  try {
    return await fn(s)
  } finally {
    await s.close()
  }
}

describe('a field access rule on the deal amount (amy)', () => {
  it('lists every deal she may see, without the amount, and says the amount is hidden', async () => {
    const { users } = server().seed
    const hand = await server().hand(users.amy.login, users.amy.password)
    await withSession(users.amy, async (amy) => {
      const ctx = { session: amy, now: new Date() }
      const result = await read('search_records').run(ctx, { type: 'deal' })
      const data = result.data as { records: { id: string; fields: Record<string, unknown>; hidden?: string[] }[]; total: number }
      expect(data.records.map((r) => r.id).sort()).toEqual(await hand.ids('sale.opportunity', []))
      for (const r of data.records) {
        expect(r.fields).not.toHaveProperty('amount')
        expect(r.hidden).toEqual(['amount'])
        expect(r.fields.name).toEqual(expect.any(String))
      }
      expect(result.summary).toContain('amount hidden by your permissions')
    })
  })

  it('proposes and makes the stage change she can make by hand; the card says the amount is hidden', async () => {
    const { users, opportunities } = server().seed
    await withSession(users.amy, async (amy) => {
      const ctx = { session: amy, now: new Date() }
      const input = { type: 'deal', id: String(opportunities.acmeUpsell), fields: { stage: 'opportunity' } }
      const proposal = await write('update_record').describe(ctx, input)
      expect(proposal.card.summary).toContain('Amount hidden by your permissions')
      const result = await write('update_record').execute(ctx, input, { idempotencyKey: 'amy-stage', recordVersion: proposal.recordVersion, card: proposal.card })
      expect(result.summary).toContain('stage → opportunity')
    })
    const [row] = await (await server().admin()).read('sale.opportunity', [opportunities.acmeUpsell], ['state'])
    expect(row.state).toBe('opportunity')
  })

  it("a change to the hidden amount is Tryton's refusal, and nothing changes", async () => {
    const { users, opportunities } = server().seed
    const admin = await server().admin()
    const [before] = await admin.read('sale.opportunity', [opportunities.acmeRenewal], ['amount'])
    await withSession(users.amy, async (amy) => {
      const deal = await amy.get('deal', String(opportunities.acmeRenewal))
      const err = await crmError(amy.updateRecord('deal', deal!.id, deal!.version, { amount: 1 }, 'amy-amount'))
      expect(err.code).toBe('permission')
      expect(err.message).toContain('Sale Opportunity.Amount')
    })
    const [after] = await admin.read('sale.opportunity', [opportunities.acmeRenewal], ['amount'])
    expect(after.amount).toEqual(before.amount)
  })
})

describe('a user of the second company (claire)', () => {
  it("sees her company's deals only; the first company's deals do not exist for her", async () => {
    const { users, opportunities, company2Opportunities } = server().seed
    await withSession(users.claire, async (claire) => {
      const page = await claire.find('deal', {})
      expect(page.records.map((r) => r.id).sort()).toEqual(Object.values(company2Opportunities).map(String).sort())
      expect(page.total).toBe(2)
      expect(await claire.get('deal', String(opportunities.acmeRenewal))).toBeNull()
      const ctx = { session: claire, now: new Date() }
      const err = await crmError(write('update_record').describe(ctx, { type: 'deal', id: String(opportunities.acmeRenewal), fields: { stage: 'lead' } }))
      expect(err.code).toBe('not_found')
    })
  })
})

describe('a user whose language is French (francois)', () => {
  it("a refusal is 'permission' with Tryton's French message, for a model and for a record rule", async () => {
    const { users, opportunities } = server().seed
    await withSession(users.francois, async (francois) => {
      const invoices = await crmError(francois.search('invoice', {}))
      expect(invoices.code).toBe('permission')
      expect(invoices.message).toMatch(/^Vous n'êtes pas autorisé/)
      // Olivia's deal, hidden by the sales reps' record rule: Tryton's reason, in French.
      const hidden = await crmError(francois.updateRecord('deal', String(opportunities.globexPilot), 'v', { stage: 'lead' }, 'fr-1'))
      expect(hidden.code).toBe('permission')
      expect(hidden.message).toMatch(/^Vous n'êtes pas autorisé à lire/)
      // His own deal he may change.
      const own = await francois.get('deal', String(opportunities.francoisDeal))
      expect((await francois.updateRecord('deal', own!.id, own!.version, { stage: 'lead' }, 'fr-2')).summary).toContain('stage → lead')
    })
  })
})

describe('stages and consequences', () => {
  it('a stage move Tryton cannot make from the current stage is refused before any card, naming where it can go', async () => {
    const { users, opportunities } = server().seed
    await withSession(users.olivia, async (olivia) => {
      const ctx = { session: olivia, now: new Date() }
      const err = await crmError(write('update_record').describe(ctx, { type: 'deal', id: String(opportunities.globexLost), fields: { stage: 'opportunity' } }))
      expect(err.code).toBe('invalid')
      expect(err.message).toBe('In Tryton a deal in stage "lost" cannot move to "opportunity". It can move to: lead, converted.')
      const won = await crmError(write('update_record').describe(ctx, { type: 'deal', id: String(opportunities.initechDeal), fields: { stage: 'won' } }))
      expect(won.message).toContain('Tryton sets the stage "won" itself')
    })
  })

  it('an email card says Tryton keeps a copy on the record; a lost deal card says the close date becomes today', async () => {
    const { users, opportunities, parties } = server().seed
    await withSession(users.sam, async (sam) => {
      const ctx = { session: sam, now: new Date() }
      const email = await write('send_message').describe(ctx, { to: [String(parties.jane)], subject: 'Hi', body: 'Hello', about: { type: 'deal', id: String(opportunities.acmeRenewal) } })
      expect(email.card.summary).toContain('Tryton keeps a copy of the email on deal Acme renewal.')
      const lost = await write('update_record').describe(ctx, { type: 'deal', id: String(opportunities.acmeRenewal), fields: { stage: 'lost' } })
      expect(lost.card.summary).toContain('Tryton sets the expected close date to today.')
    })
  })
})

describe('small things a Tryton user notices', () => {
  it('deals and contacts carry their account name; contacts are linked through party_relationship', async () => {
    const { users, opportunities, parties } = server().seed
    await withSession(users.sam, async (sam) => {
      expect((await sam.get('deal', String(opportunities.acmeRenewal)))?.fields.accountName).toBe('Acme Corp')
      const jane = await sam.get('contact', String(parties.jane))
      expect(jane?.fields).toMatchObject({ accountId: String(parties.acme), accountName: 'Acme Corp' })
      expect((await sam.search('contact', { where: { accountId: String(parties.globex) } })).map((c) => c.id)).toEqual([String(parties.john)])
    })
  })

  it('automations are described in words, not as a raw domain', async () => {
    await withSession(server().seed.users.sam, async (sam) => {
      const descriptions = (await sam.listAutomations()).map((a) => a.description)
      expect(descriptions).toContain(
        'Runs on parties where the name contains "corp". Send a win-back offer: sends the email "We miss you" after 30 days.'
      )
      for (const d of descriptions) expect(d).not.toContain('[[')
    })
  })

  it('asks Tryton for the overdue invoices: the invoice not yet due never comes back over the wire', async () => {
    const { users, invoices } = server().seed
    const answered: string[] = []
    const spying: typeof fetch = async (input, init) => {
      const res = await fetch(input, init)
      const body = typeof init?.body === 'string' ? (JSON.parse(init.body) as { method?: string }) : {}
      if (body.method === 'model.account.invoice.search_read') answered.push(await res.clone().text())
      return res
    }
    await withSession(
      users.fiona,
      async (fiona) => {
        const overdue = await fiona.listOverdueInvoices(new Date())
        expect(overdue.map((i) => i.id).sort()).toEqual([String(invoices.acmeOverdue), String(invoices.globexOverdue)].sort())
      },
      new TrytonConnector({ fetch: spying })
    )
    expect(answered).toHaveLength(1)
    const ids = (JSON.parse(answered[0]) as { result: { id: number }[] }).result.map((r) => r.id)
    expect(ids).not.toContain(invoices.initechCurrent)
  })

  it("a revoked permission is reported in Tryton's words, not the app's", async () => {
    const { users, scenarios } = server().seed
    await withSession(users.fiona, async (fiona) => {
      const err = await crmError(write('enable_automation').describe({ session: fiona, now: new Date() }, { automationId: String(scenarios.welcome) }))
      expect(err.code).toBe('permission')
      expect(err.message).toContain('You are not allowed to access "Marketing Scenario"')
      expect(err.message).not.toContain('No automation')
    })
  })
})

describe('the server version', () => {
  async function fakeServer(version: string, fn: (url: string) => Promise<void>): Promise<void> {
    const srv = http.createServer((req, res) => {
      req.resume()
      res.writeHead(200, { 'Content-Type': 'application/json' })
      res.end(JSON.stringify({ id: 1, result: version }))
    })
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()))
    try {
      await fn(`http://127.0.0.1:${(srv.address() as net.AddressInfo).port}`)
    } finally {
      await new Promise<void>((r) => srv.close(() => r()))
    }
  }

  it.each(['7.0.4', '5.8.12', 'banana'])('refuses Tryton %s at sign-in, naming the supported versions', async (version) => {
    await fakeServer(version, async (url) => {
      const err = await crmError(new TrytonConnector().signIn({ kind: 'tryton', serverUrl: url, database: DB_NAME, login: 'sam', password: 'x' }))
      expect(err.code).toBe('invalid')
      expect(err.message).toContain(`runs version ${version}`)
      expect(err.message).toContain('Supported: Tryton 6.0')
    })
  })

  it('accepts the rig’s Tryton 6.0', async () => {
    await withSession(server().seed.users.sam, async (sam) => expect(sam.backend).toBe('tryton'))
  })
})
