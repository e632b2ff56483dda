// The rig itself: one trytond serving two seeded databases whose users share numeric ids but
// whose deals read differently, so the identity tests of issue 7 can tell which one was written.
import { describe, expect, it } from 'vitest'
import { TrytonConnector } from '../../../src/main/crm/tryton'
import { DB_NAME, dealName, useTrytonServer } from './server'

const server = useTrytonServer({ extraDatabases: ['crm2'] })

describe('the Tryton rig with an extra database', () => {
  it('serves both databases from one server, with the same user ids and different deal names', async () => {
    const { sam } = server().seed.users
    expect(server().databases).toEqual([DB_NAME, 'crm2'])
    const one = await server().hand(sam.login, sam.password)
    const two = await server().hand(sam.login, sam.password, 'crm2')
    expect(one.userId).toBe(sam.id)
    expect(two.userId).toBe(sam.id)
    const id = server().seed.opportunities.acmeRenewal
    const [a] = await one.read('sale.opportunity', [id], ['description'])
    const [b] = await two.read('sale.opportunity', [id], ['description'])
    expect(a.description).toBe('Acme renewal')
    expect(b.description).toBe(dealName('Acme renewal', 'crm2'))
  })

  it('keeps a write to one database out of the other', async () => {
    const admin2 = await server().admin('crm2')
    const id = server().seed.opportunities.globexPilot
    await admin2.write('sale.opportunity', [id], { comment: 'written in crm2' })
    const [inMain] = await (await server().admin()).read('sale.opportunity', [id], ['comment'])
    expect(inMain.comment ?? null).not.toBe('written in crm2')
    const session = await new TrytonConnector().signIn({
      kind: 'tryton',
      serverUrl: server().url,
      database: 'crm2',
      login: server().seed.users.olivia.login,
      password: server().seed.users.olivia.password
    })
    try {
      expect((await session.get('deal', String(id)))?.label).toBe(dealName('Globex pilot', 'crm2'))
    } finally {
      await session.close()
    }
  })
})
