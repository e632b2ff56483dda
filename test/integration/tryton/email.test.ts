// Email through Tryton's ir.email.send, delivered to an SMTP sink on 127.0.0.1. Tryton does not
// check that the sender may read the record an email is about; the connector must, first.
import { beforeEach, describe, expect, it } from 'vitest'
import { TrytonConnector } from '../../../src/main/crm/tryton'
import { type CrmSession } from '../../../src/main/crm/types'
import { DB_NAME, useTrytonServer, type SeedUser } from './server'
import { crmError } from '../../support/crm-error'

const server = useTrytonServer()
const connector = new TrytonConnector()

async function withSession<T>(u: SeedUser, fn: (s: CrmSession) => Promise<T>): Promise<T> {
  const s = await connector.signIn({ kind: 'tryton', serverUrl: server().url, database: DB_NAME, login: u.login, password: u.password })
  try {
    return await fn(s)
  } finally {
    await s.close()
  }
}

async function emailCount(): Promise<number> {
  const admin = await server().admin()
  return (await admin.ids('ir.email', [])).length
}

const caught = crmError

describe('Tryton email', () => {
  beforeEach(() => server().sink.clear())

  it('the sales rep emails a contact about their own deal: it arrives at the sink and reconciles as applied', async () => {
    const { users, opportunities, parties } = server().seed
    await withSession(users.sam, async (sam) => {
      const to = await sam.resolveRecipients([String(parties.jane)], { type: 'deal', id: String(opportunities.acmeRenewal) })
      expect(to).toEqual([{ name: 'Jane Doe', address: 'jane.doe@acme.example' }])
      const res = await sam.sendMessage(
        { about: { type: 'deal', id: String(opportunities.acmeRenewal) }, to, subject: 'Renewal next steps', body: 'Hi Jane,\nthe renewal <draft> is attached & ready.' },
        'email-key-1'
      )
      expect(res.summary).toContain('Renewal next steps')
      const msgs = server().sink.messages
      expect(msgs).toHaveLength(1)
      expect(msgs[0].to).toEqual(['jane.doe@acme.example'])
      expect(msgs[0].subject).toBe('Renewal next steps')
      expect(msgs[0].data).toContain('&lt;draft&gt;')
      expect(await sam.reconcile('email-key-1')).toMatchObject({ status: 'applied' })
      // The same key again (a retry after a lost reply) does not send a second email.
      await sam.sendMessage(
        { about: { type: 'deal', id: String(opportunities.acmeRenewal) }, to, subject: 'Renewal next steps', body: 'again' },
        'email-key-1'
      )
      expect(server().sink.messages).toHaveLength(1)
      expect(await sam.reconcile('email-key-never-used')).toEqual({ status: 'unknown' })
    })
  })

  it('default recipients come from the record: the account the deal belongs to', async () => {
    const { users, opportunities } = server().seed
    await withSession(users.sam, async (sam) => {
      expect(await sam.resolveRecipients([], { type: 'deal', id: String(opportunities.acmeRenewal) })).toEqual([
        { name: 'Acme Corp', address: 'billing@acme.example' }
      ])
      expect(await sam.resolveRecipients(['someone@elsewhere.example'], null)).toEqual([{ name: 'someone@elsewhere.example', address: 'someone@elsewhere.example' }])
      await expect(sam.resolveRecipients(['not an address'], null)).rejects.toMatchObject({ code: 'invalid' })
    })
  })

  it("an email about a colleague's deal (hidden by the record rule) is refused before anything is sent", async () => {
    const { users, opportunities } = server().seed
    const before = await emailCount()
    await withSession(users.sam, async (sam) => {
      const err = await caught(
        sam.sendMessage(
          { about: { type: 'deal', id: String(opportunities.globexPilot) }, to: [{ name: 'X', address: 'x@globex.example' }], subject: 'Peek', body: 'hello' },
          'email-key-2'
        )
      )
      expect(err.code).toBe('permission')
      expect(err.message).toContain('You are not allowed to read records')
    })
    expect(server().sink.messages).toHaveLength(0)
    expect(await emailCount()).toBe(before)
  })

  it('finance: an email about a draft invoice (hidden by their record rule) is refused; about an issued one it is sent', async () => {
    const { users, invoices } = server().seed
    const before = await emailCount()
    await withSession(users.fiona, async (fiona) => {
      const err = await caught(
        fiona.sendMessage(
          { about: { type: 'invoice', id: String(invoices.acmeDraft) }, to: [{ name: 'Acme billing', address: 'billing@acme.example' }], subject: 'Draft', body: 'x' },
          'email-key-3'
        )
      )
      expect(err.code).toBe('permission')
      expect(err.message).toContain('Issued invoices only (finance clerks)')
      expect(server().sink.messages).toHaveLength(0)
      expect(await emailCount()).toBe(before)

      const to = await fiona.resolveRecipients([], { type: 'invoice', id: String(invoices.acmeOverdue) })
      await fiona.sendMessage(
        { about: { type: 'invoice', id: String(invoices.acmeOverdue) }, to, subject: 'Payment reminder: invoice 1', body: 'Your invoice is overdue.' },
        'email-key-4'
      )
      expect(server().sink.messages.map((m) => m.to)).toEqual([['billing@acme.example']])
      expect(await emailCount()).toBe(before + 1)
    })
  })

  it('the sales rep may not email about an invoice at all (no access to invoices)', async () => {
    const { users, invoices } = server().seed
    await withSession(users.sam, async (sam) => {
      const err = await caught(
        sam.sendMessage(
          { about: { type: 'invoice', id: String(invoices.acmeOverdue) }, to: [{ name: 'Acme', address: 'billing@acme.example' }], subject: 'x', body: 'x' },
          'email-key-5'
        )
      )
      expect(err.code).toBe('permission')
      expect(err.message).toContain('Invoice')
    })
    expect(server().sink.messages).toHaveLength(0)
  })
})
