// The IT department's policy sources: a JSON file, a macOS managed-preferences plist, the Windows
// registry (through an injected `reg`), each read and watched as the app does.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { afterEach, describe, expect, it } from 'vitest'
import { join } from 'node:path'
import { defaultManagedPolicySource, jsonFileSource, plistFileSource, registrySource } from '../../../src/main/policy/organisation/it-source'
import { tempDir } from '../../support/test-app'

const dirs: { remove(): void }[] = []
afterEach(() => {
  while (dirs.length) dirs.pop()!.remove()
})
function dir() {
  const d = tempDir('countersign-it-policy-')
  dirs.push(d)
  return d.path
}

async function until(check: () => boolean, ms = 5_000): Promise<void> {
  const deadline = Date.now() + ms
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out')
    await new Promise((r) => setTimeout(r, 20))
  }
}

describe('JSON file source (Linux, or a path given)', () => {
  it('no file: no policy, and says where it looked', async () => {
    const path = join(dir(), 'policy.json')
    expect(await jsonFileSource(path).read()).toEqual({ status: 'none', detail: `no file at ${path}` })
  })

  it('a file: its document', async () => {
    const path = join(dir(), 'policy.json')
    writeFileSync(path, JSON.stringify({ maxApprovalHours: 4 }))
    expect(await jsonFileSource(path).read()).toEqual({ status: 'found', document: { maxApprovalHours: 4 } })
  })

  it('not JSON: an error that says so, without a stack', async () => {
    const path = join(dir(), 'policy.json')
    writeFileSync(path, '{ "maxApprovalHours": ')
    const read = await jsonFileSource(path).read()
    expect(read.status).toBe('error')
    if (read.status === 'error') expect(read.detail).toMatch(/^not valid JSON/)
  })

  it('a folder where the file should be: an error', async () => {
    const path = join(dir(), 'policy.json')
    mkdirSync(path)
    expect(await jsonFileSource(path).read()).toEqual({ status: 'error', detail: 'a folder, not a file' })
  })

  it('watching: created, changed and removed are all noticed', async () => {
    const d = dir()
    const path = join(d, 'policy.json')
    const source = jsonFileSource(path, { pollMs: 100 })
    let changes = 0
    const stop = source.watch(() => changes++)
    try {
      await new Promise((r) => setTimeout(r, 150))
      writeFileSync(path, '{"maxApprovalHours": 2}')
      await until(() => changes >= 1)
      const before = changes
      writeFileSync(path, '{"maxApprovalHours": 3}')
      await until(() => changes > before)
      const again = changes
      rmSync(path)
      await until(() => changes > again)
    } finally {
      stop()
    }
  })

  it('polling alone notices a change in a folder created later (no fs events to rely on)', async () => {
    const d = join(dir(), 'not-yet')
    const path = join(d, 'policy.json')
    const source = jsonFileSource(path, { pollMs: 50 })
    let changes = 0
    const stop = source.watch(() => changes++)
    try {
      await new Promise((r) => setTimeout(r, 120))
      mkdirSync(d)
      writeFileSync(path, '{}')
      await until(() => changes >= 1)
    } finally {
      stop()
    }
  })
})

describe('macOS managed preferences (plist)', () => {
  const xml = (body: string) => `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0"><dict>${body}</dict></plist>`

  it('reads an XML property list as the policy document', async () => {
    const path = join(dir(), 'com.countersign.app.plist')
    writeFileSync(
      path,
      xml(`<key>maxApprovalHours</key><integer>12</integer><key>usersMayLoosen</key><false/>
        <key>abilities</key><dict><key>send_message</key><dict><key>confirmation</key><string>deny</string></dict></dict>
        <key>access</key><dict><key>groups</key><array><string>Team East</string></array></dict>`)
    )
    expect(await plistFileSource(path).read()).toEqual({
      status: 'found',
      document: { maxApprovalHours: 12, usersMayLoosen: false, abilities: { send_message: { confirmation: 'deny' } }, access: { groups: ['Team East'] } }
    })
  })

  it('converts a binary property list with plutil first', async () => {
    const path = join(dir(), 'com.countersign.app.plist')
    writeFileSync(path, Buffer.concat([Buffer.from('bplist00'), Buffer.from([0, 1, 2])]))
    const calls: string[][] = []
    const source = plistFileSource(path, {
      exec: async (file, args) => {
        calls.push([file, ...args])
        return xml('<key>maxApprovalHours</key><integer>6</integer>')
      }
    })
    expect(await source.read()).toEqual({ status: 'found', document: { maxApprovalHours: 6 } })
    expect(calls).toEqual([['/usr/bin/plutil', '-convert', 'xml1', '-o', '-', path]])
  })

  it('a broken property list is an error', async () => {
    const path = join(dir(), 'com.countersign.app.plist')
    writeFileSync(path, xml('<key>maxApprovalHours</key><integer>6</integer>').slice(0, -20))
    expect(await plistFileSource(path).read()).toEqual({ status: 'error', detail: 'an incomplete property list (no closing </plist>)' })
    writeFileSync(path, '<plist version="1.0"><array><foo/></array></plist>')
    expect(await plistFileSource(path).read()).toEqual({ status: 'error', detail: 'not a valid property list' })
  })

  it('the default place on macOS', () => {
    expect(defaultManagedPolicySource({ platform: 'darwin' }).location).toBe('/Library/Managed Preferences/com.countersign.app.plist')
    expect(defaultManagedPolicySource({ platform: 'linux' }).location).toBe('/etc/countersign/policy.json')
    expect(defaultManagedPolicySource({ platform: 'win32' }).location).toBe('HKLM\\SOFTWARE\\Policies\\Countersign')
  })
})

describe('Windows registry', () => {
  const regOutput = (type: string, value: string) =>
    `\r\nHKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\Countersign\r\n    Policy    ${type}    ${value}\r\n\r\n`

  it('reads the JSON document from the value Policy', async () => {
    const calls: string[][] = []
    const source = registrySource({
      exec: async (file, args) => {
        calls.push([file, ...args])
        return regOutput('REG_SZ', '{"abilities": {"send_message": {"enabled": false}}}')
      }
    })
    expect(await source.read()).toEqual({ status: 'found', document: { abilities: { send_message: { enabled: false } } } })
    expect(calls).toEqual([['reg', 'query', 'HKLM\\SOFTWARE\\Policies\\Countersign', '/v', 'Policy']])
  })

  it('no key: no policy', async () => {
    const source = registrySource({ exec: async () => Promise.reject(Object.assign(new Error('exit 1'), { code: 1 })) })
    expect((await source.read()).status).toBe('none')
  })

  it('a DWORD or bad JSON: an error naming the value', async () => {
    expect(await registrySource({ exec: async () => regOutput('REG_DWORD', '0x1') }).read()).toEqual({
      status: 'error',
      detail: 'the value "Policy" is REG_DWORD; it must be REG_SZ holding the JSON document'
    })
    const bad = await registrySource({ exec: async () => regOutput('REG_SZ', '{nope') }).read()
    expect(bad.status).toBe('error')
    if (bad.status === 'error') expect(bad.detail).toMatch(/not valid JSON/)
  })

  it('polls the key and reports a change', async () => {
    let value = '{}'
    const source = registrySource({ pollMs: 30, exec: async () => regOutput('REG_SZ', value) })
    let changes = 0
    const stop = source.watch(() => changes++)
    try {
      await new Promise((r) => setTimeout(r, 80))
      expect(changes).toBe(0)
      value = '{"maxApprovalHours": 1}'
      await until(() => changes === 1)
    } finally {
      stop()
    }
  })
})
