// Failures that must lose nothing: wrong password, an expired session (renewed once, or
// reported), rate limiting, and the server going away.
import http from 'node:http'
import net from 'node:net'
import { describe, expect, it } from 'vitest'
import { TrytonConnector } from '../../../src/main/crm/tryton'
import { CrmError } from '../../../src/main/crm/types'
import { DB_NAME, useTrytonServer } from './server'
import { crmError } from '../../support/crm-error'

const server = useTrytonServer()

function creds(login: string, password: string, serverUrl = server().url) {
  return { kind: 'tryton' as const, serverUrl, database: DB_NAME, login, password }
}

const caught = crmError

/** A fetch that remembers the last Authorization header the connector sent. */
function capturingFetch(): { fetch: typeof fetch; lastAuth: () => string } {
  let auth = ''
  const f: typeof fetch = (input, init) => {
    const h = (init?.headers ?? {}) as Record<string, string>
    if (h.Authorization) auth = h.Authorization
    return fetch(input, init)
  }
  return { fetch: f, lastAuth: () => auth }
}

/** Ends a session on the server (common.db.logout with that session), as an expiry would. */
async function endSession(authorization: string): Promise<void> {
  const res = await fetch(`${server().url}/${DB_NAME}/`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: authorization },
    body: JSON.stringify({ id: 1, method: 'common.db.logout', params: [] })
  })
  expect(res.status).toBe(200)
  await res.body?.cancel()
  // The session really is gone: the same header is now refused.
  const again = await fetch(`${server().url}/${DB_NAME}/`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: authorization },
    body: JSON.stringify({ id: 2, method: 'model.party.party.search_read', params: [[], 0, 1, null, ['id'], {}] })
  })
  expect([401, 403]).toContain(again.status)
  await again.body?.cancel()
}

describe('Tryton errors', () => {
  it("a wrong password is 'auth'", async () => {
    const { sam } = server().seed.users
    const err = await caught(new TrytonConnector().signIn(creds(sam.login, 'not-the-password')))
    expect(err.code).toBe('auth')
  })

  it('an expired session is renewed once with the password held for this session', async () => {
    const { sam } = server().seed.users
    const spy = capturingFetch()
    const session = await new TrytonConnector({ fetch: spy.fetch }).signIn(creds(sam.login, sam.password))
    try {
      expect((await session.search('deal', {})).length).toBeGreaterThan(0)
      const before = spy.lastAuth()
      await endSession(before)
      expect((await session.search('deal', {})).length).toBeGreaterThan(0)
      expect(spy.lastAuth()).not.toBe(before)
    } finally {
      await session.close()
    }
  })

  it("without the password in memory an expired session is 'session_expired'", async () => {
    const { olivia } = server().seed.users
    const spy = capturingFetch()
    const session = await new TrytonConnector({ rememberPassword: false, fetch: spy.fetch }).signIn(creds(olivia.login, olivia.password))
    try {
      await endSession(spy.lastAuth())
      const err = await caught(session.search('deal', {}))
      expect(err.code).toBe('session_expired')
    } finally {
      await session.close()
    }
  })

  it("repeated failed logins are 'rate_limited' (Tryton answers 429)", async () => {
    const connector = new TrytonConnector()
    let last: CrmError | null = null
    for (let i = 0; i < 12; i++) {
      last = await caught(connector.signIn(creds('nobody-here', `wrong-${i}`)))
      if (last.code === 'rate_limited') break
      expect(last.code).toBe('auth')
    }
    expect(last?.code).toBe('rate_limited')
  })

  it('honours Retry-After on a 429', async () => {
    const fake = http.createServer((_req, res) => {
      res.writeHead(429, { 'Retry-After': '7', 'Content-Type': 'text/html' })
      res.end('<h1>Too Many Requests</h1>')
    })
    await new Promise<void>((r) => fake.listen(0, '127.0.0.1', () => r()))
    try {
      const port = (fake.address() as net.AddressInfo).port
      const err = await caught(new TrytonConnector().signIn(creds('sam', 'x', `http://127.0.0.1:${port}`)))
      expect(err.code).toBe('rate_limited')
      expect(err.retryAfterSeconds).toBe(7)
    } finally {
      await new Promise<void>((r) => fake.close(() => r()))
    }
  })

  it("nothing listening is 'unavailable'", async () => {
    const srv = net.createServer()
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()))
    const port = (srv.address() as net.AddressInfo).port
    await new Promise<void>((r) => srv.close(() => r()))
    const err = await caught(new TrytonConnector().signIn(creds('sam', 'x', `http://127.0.0.1:${port}`)))
    expect(err.code).toBe('unavailable')
  })

  // Last: stops this file's server.
  it("the server stopped between two calls is 'unavailable'", async () => {
    const { sam } = server().seed.users
    const session = await new TrytonConnector().signIn(creds(sam.login, sam.password))
    expect((await session.search('account', {})).length).toBeGreaterThan(0)
    await server().stop()
    const err = await caught(session.search('account', {}))
    expect(err.code).toBe('unavailable')
    await session.close()
  })
})
