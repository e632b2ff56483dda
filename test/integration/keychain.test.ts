// KeytarSecretStore against a real Secret Service (gnome-keyring on a private D-Bus session).
// Run it through the script that starts one:
//   bash scripts/with-keyring.sh npx vitest run test/integration/keychain.test.ts
// With CI set, an unreachable keyring fails this file: a skipped test is not a passed test.
import { execFile } from 'node:child_process'
import { readdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { KeytarSecretStore } from '../../src/main/secrets/keytar-store'
import { KeychainError, secretKeys } from '../../src/main/secrets/types'

const run = promisify(execFile)
const SERVICE = `Countersign-test-${process.pid}`
const store = new KeytarSecretStore(SERVICE)
let reachable: string | null = null

beforeAll(async () => {
  try {
    await store.get('probe')
    reachable = 'yes'
  } catch (error) {
    reachable = null
    if (process.env.CI) {
      throw new Error(
        `No keyring is reachable (${(error as Error).message}). Run this test through scripts/with-keyring.sh.`
      )
    }
  }
})

describe('KeytarSecretStore against the real keyring', () => {
  const it_ = (name: string, body: () => Promise<void>) =>
    it(name, async (ctx) => {
      if (!reachable) {
        // Only outside CI: tell the developer how to run it for real.
        ctx.skip('no keyring reachable; run via scripts/with-keyring.sh')
        return
      }
      await body()
    })

  const used: string[] = []
  afterAll(async () => {
    if (!reachable) return
    for (const account of used) await store.delete(account)
  })

  it_('sets, gets, overwrites and deletes a secret', async () => {
    const account = secretKeys.provider('openai', 'api.openai.com')
    used.push(account)
    await store.set(account, 'sk-first')
    expect(await store.get(account)).toBe('sk-first')
    await store.set(account, 'sk-second')
    expect(await store.get(account)).toBe('sk-second')
    expect(await store.delete(account)).toBe(true)
    expect(await store.get(account)).toBeNull()
    expect(await store.delete(account)).toBe(false)
  })

  it_('keeps unicode secrets and account names intact', async () => {
    const account = secretKeys.crm('ünïcødé-账户-🔑')
    used.push(account)
    const secret = 'pässwörd-密码-🗝️-"quoted" \\ back'
    await store.set(account, secret)
    expect(await store.get(account)).toBe(secret)
  })

  it_('answers null for a key that was never stored', async () => {
    expect(await store.get(`missing-${Date.now()}`)).toBeNull()
  })

  it_('keeps entries of different services apart', async () => {
    const other = new KeytarSecretStore(`${SERVICE}-other`)
    const account = 'crm:shared-name'
    used.push(account)
    await store.set(account, 'mine')
    expect(await other.get(account)).toBeNull()
  })
})

describe('KeytarSecretStore without a keyring', () => {
  it('throws KeychainError with a clear message when D-Bus points nowhere, and writes no file', async () => {
    const home = mkdtempSync(join(tmpdir(), 'countersign-nokeyring-'))
    try {
      const env = {
        ...process.env,
        DBUS_SESSION_BUS_ADDRESS: `unix:path=${join(home, 'no-such-bus')}`,
        HOME: home,
        XDG_DATA_HOME: join(home, 'data'),
        XDG_RUNTIME_DIR: join(home, 'runtime'),
        DISPLAY: ''
      }
      const probe = resolve(__dirname, 'keychain-probe.ts')
      const { stdout } = await run(process.execPath, ['--import', 'tsx', probe], {
        env,
        cwd: resolve(__dirname, '../..'),
        timeout: 60_000
      })
      const results = JSON.parse(stdout) as Array<{ op: string; ok: boolean; name?: string; message?: string }>
      expect(results).toHaveLength(3)
      for (const r of results) {
        expect(r.ok, r.op).toBe(false)
        expect(r.name).toBe('KeychainError')
        expect(r.message).toMatch(/^Your system keychain is unavailable: /)
        expect(r.message).toMatch(/D-Bus/)
        expect(r.message).toContain('Countersign never stores passwords in files.')
        expect(r.message).not.toContain('sk-probe-secret')
      }
      // Nothing fell back to a file in the (private) home folder.
      expect(readdirSync(home)).toEqual([])
    } finally {
      rmSync(home, { recursive: true, force: true })
    }
  })

  it('maps failures of every kind to KeychainError', async () => {
    const failing = (message: string) =>
      new KeytarSecretStore('x', async () => ({
        getPassword: async () => {
          throw new Error(message)
        },
        setPassword: async () => {
          throw new Error(message)
        },
        deletePassword: async () => {
          throw new Error(message)
        }
      }))
    const cases: Array<[string, RegExp]> = [
      ['Cannot autolaunch D-Bus without X11 $DISPLAY', /D-Bus/],
      ['The name org.freedesktop.secrets was not provided by any .service files', /no Secret Service/],
      ['Cannot create an item in a locked collection', /locked/],
      ['User canceled the operation', /cancelled/]
    ]
    for (const [raw, expected] of cases) {
      const error = await failing(raw).get('a').catch((e: unknown) => e)
      expect(error).toBeInstanceOf(KeychainError)
      expect((error as Error).message).toMatch(expected)
      expect((error as Error).message).toContain('never stores passwords in files')
    }
    const notLoaded = new KeytarSecretStore('x', async () => {
      throw new Error('Cannot find module keytar.node')
    })
    await expect(notLoaded.set('a', 'b')).rejects.toBeInstanceOf(KeychainError)
  })
})
