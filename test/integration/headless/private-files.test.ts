// Other local users cannot read Countersign's data: after a session that writes every kind of
// file (sign-in, settings, provider consent, a conversation, a proposal, its approval and
// execution, the audit trail, the sample workspace, the instance lock), every folder in the data
// folder is 0700 and every file 0600. A folder left with looser modes is tightened at start-up.
// The real core in the headless host, through its WebSocket, as the renderer drives it.
import { chmodSync, lstatSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { startHost } from '../../../src/main/headless/host'
import { HostClient } from '../../support/ws-client'
import { tempDir } from '../../support/test-app'

const posix = process.platform !== 'win32'
// A 0022 umask is what most desktops run with; it is what made files world-readable before.
let previousUmask = 0
beforeEach(() => {
  previousUmask = process.umask(0o022)
})
afterEach(() => {
  process.umask(previousUmask)
})

type Entry = { path: string; kind: 'dir' | 'file'; mode: string }

function walk(root: string): Entry[] {
  const out: Entry[] = []
  const visit = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name)
      const stat = lstatSync(path)
      const entry = { path: relative(root, path), mode: (stat.mode & 0o777).toString(8).padStart(4, '0') }
      if (stat.isDirectory()) {
        out.push({ ...entry, kind: 'dir' })
        visit(path)
      } else out.push({ ...entry, kind: 'file' })
    }
  }
  visit(root)
  return out
}

const mode = (path: string) => (statSync(path).mode & 0o777).toString(8).padStart(4, '0')

async function fullSession(dataDir: string): Promise<{ files: Entry[]; stop(): Promise<void> }> {
  const host = await startHost({ dataDir, secrets: 'memory', rendererDir: join(dataDir, '..', 'no-renderer') })
  const client = await HostClient.connect(host.transport.port, host.transport.token)
  try {
    await client.request('accounts.signIn', { kind: 'sample', login: 'maria' })
    await client.request('settings.setExpiryHours', { hours: 24 })
    const prepared = await client.request('providers.prepare', { kind: 'openai-compatible', model: 'llama3.1', baseURL: 'http://127.0.0.1:9/v1' })
    const text = prepared.consent!
    await client.request('providers.consent', { wordingVersion: text.wordingVersion, endpointHost: text.endpointHost })
    await client.request('providers.useDemo', {})
    const conversation = await client.request('conversations.create', {})
    await client.request('conversations.send', { conversationId: conversation.id, text: 'Move deal Spring dock hardware order to stage negotiation' })
    const pending = await client.waitFor(async () =>
      (await client.request('actions.forConversation', { conversationId: conversation.id })).find((a) => a.state === 'pending')
    )
    await client.request('actions.decide', { actionId: pending.id, hash: pending.hash, decision: 'approve' })
    await client.waitFor(async () =>
      (await client.request('actions.forConversation', { conversationId: conversation.id })).find((a) => a.id === pending.id && a.state === 'succeeded')
    )
    // While it runs: the lock file is there too.
    return { files: walk(dataDir), stop: () => host.close() }
  } finally {
    client.close()
  }
}

describe.runIf(posix)('the data folder is private to its user', () => {
  let dir: ReturnType<typeof tempDir>
  afterEach(() => dir?.remove())

  it('after a full session every folder is 0700 and every file 0600', async () => {
    dir = tempDir('countersign-modes-')
    const dataDir = join(dir.path, 'data')
    const session = await fullSession(dataDir)
    await session.stop()

    // The session wrote every kind of file we promise to protect.
    const paths = session.files.map((f) => f.path)
    for (const expected of [/^instance\.lock$/, /^conversations\/.+\.jsonl?$/, /^audit\//, /^sample-workspace\/.+\.json$/, /accounts/, /settings/, /provider/, /ledger|actions/]) {
      expect(paths.some((p) => expected.test(p)), `a file matching ${expected} in ${paths.join(', ')}`).toBe(true)
    }
    expect(mode(dataDir)).toBe('0700')
    const loose = [...session.files, ...walk(dataDir)].filter((f) => f.mode !== (f.kind === 'dir' ? '0700' : '0600'))
    expect(loose).toEqual([])
  }, 60_000)

  it('an existing data folder with world-readable folders and files is tightened at start-up', async () => {
    dir = tempDir('countersign-modes-')
    const dataDir = join(dir.path, 'data')
    const first = await fullSession(dataDir)
    await first.stop()
    // As an older version (or a restored backup) left it.
    chmodSync(dataDir, 0o755)
    for (const f of walk(dataDir)) chmodSync(join(dataDir, f.path), f.kind === 'dir' ? 0o755 : 0o644)
    mkdirSync(join(dataDir, 'conversations', 'old'), { mode: 0o777 })
    chmodSync(join(dataDir, 'conversations', 'old'), 0o777)
    writeFileSync(join(dataDir, 'conversations', 'old', 'notes.txt'), 'x', { mode: 0o666 })
    chmodSync(join(dataDir, 'conversations', 'old', 'notes.txt'), 0o666)
    expect(walk(dataDir).filter((f) => f.mode === '0644' || f.mode === '0755').length).toBeGreaterThan(5)

    const second = await startHost({ dataDir, secrets: 'memory', rendererDir: join(dir.path, 'no-renderer') })
    try {
      expect(mode(dataDir)).toBe('0700')
      expect(walk(dataDir).filter((f) => f.mode !== (f.kind === 'dir' ? '0700' : '0600'))).toEqual([])
    } finally {
      await second.close()
    }
  }, 60_000)
})
