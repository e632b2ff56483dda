// How many JSON-RPC calls each request costs on a real Tryton server: the connector batches its
// reads, so an email to six recipients or a stage change reads each record once per step, not
// once per recipient. The counts are printed (the closing note quotes them) and bounded.
import { afterAll, describe, expect, it } from 'vitest'
import { crmAbilities } from '../../../src/main/abilities/crm-abilities'
import type { WriteAbility } from '../../../src/main/abilities/types'
import { TrytonConnector } from '../../../src/main/crm/tryton'
import type { CrmSession } from '../../../src/main/crm/types'
import { DB_NAME, useTrytonServer, type SeedUser } from './server'

const server = useTrytonServer()
const abilities = new Map(crmAbilities().map((a) => [a.name, a]))
const write = (name: string) => abilities.get(name) as WriteAbility<any>

let calls: string[] = []
const counting: typeof fetch = async (input, init) => {
  const body = typeof init?.body === 'string' ? (JSON.parse(init.body) as { method?: string }) : {}
  calls.push(String(body.method))
  return fetch(input, init)
}
const figures: string[] = []
afterAll(() => console.log(`RPC calls per request:\n${figures.join('\n')}`))

async function measure<T>(label: string, fn: () => Promise<T>): Promise<{ value: T; count: number; methods: string[] }> {
  calls = []
  const value = await fn()
  figures.push(`  ${label}: ${calls.length} (${calls.join(', ')})`)
  return { value, count: calls.length, methods: [...calls] }
}

async function signIn(u: SeedUser): Promise<CrmSession> {
  return new TrytonConnector({ fetch: counting }).signIn({ kind: 'tryton', serverUrl: server().url, database: DB_NAME, login: u.login, password: u.password })
}

describe('RPC calls per request', () => {
  it('an email to six recipients reads the recipients in one batch at proposal and at approval', async () => {
    const { users, parties, invoices } = server().seed
    const signin = await measure('sign-in', () => signIn(users.fiona))
    const fiona = signin.value
    try {
      const ctx = { session: fiona, now: new Date() }
      const input = {
        to: [String(parties.acme), String(parties.globex), String(parties.initech), String(parties.jane), String(parties.john), 'someone@elsewhere.example'],
        subject: 'Invoice reminder',
        body: 'Please pay.',
        about: { type: 'invoice', id: String(invoices.acmeOverdue) }
      }
      const propose = await measure('email to 6 recipients, propose', () => write('send_message').describe(ctx, input))
      const approve = await measure('email to 6 recipients, approve', async () => {
        const fresh = await write('send_message').describe(ctx, input)
        return write('send_message').execute(ctx, input, { idempotencyKey: `rpc-count-${Date.now()}`, recordVersion: fresh.recordVersion, card: fresh.card })
      })
      expect(propose.count).toBeLessThanOrEqual(3)
      expect(approve.count).toBeLessThanOrEqual(8)
    } finally {
      await fiona.close()
    }
  })

  it('a stage change reads the deal once per step', async () => {
    const { users, opportunities } = server().seed
    const olivia = await signIn(users.olivia)
    try {
      const ctx = { session: olivia, now: new Date() }
      const input = { type: 'deal', id: String(opportunities.initechDeal), fields: { stage: 'lead' } }
      const propose = await measure('deal stage change, propose', () => write('update_record').describe(ctx, input))
      const approve = await measure('deal stage change, approve', async () => {
        const fresh = await write('update_record').describe(ctx, input)
        return write('update_record').execute(ctx, input, { idempotencyKey: 'rpc-count-stage', recordVersion: fresh.recordVersion, card: fresh.card })
      })
      const search = await measure('search deals', () => abilities.get('search_records')!.effect === 'read' ? (abilities.get('search_records') as any).run(ctx, { type: 'deal' }) : null)
      expect(propose.count).toBeLessThanOrEqual(1)
      expect(approve.count).toBeLessThanOrEqual(5)
      expect(search.count).toBeLessThanOrEqual(2)
    } finally {
      await olivia.close()
    }
  })
})
