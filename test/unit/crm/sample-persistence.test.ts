// The sample workspace on disk: created on first run, durable across restarts and processes,
// written atomically, and a corrupt file is moved aside and reported, never overwritten.
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { Recovery } from '../../../src/main/crm/sample/index'
import { crmError, tempDir, workspace } from './sample-fixture'

const dana = { name: 'Dana Whitfield', address: 'dana.whitfield@acme-marine.example.com' }

describe('sample workspace: persistence', () => {
  it('creates <dataDir>/sample-workspace/workspace.json from the seed on first run', async () => {
    const { dir, server } = await workspace()
    const file = join(dir, 'sample-workspace', 'workspace.json')
    expect(server.filePath).toBe(file)
    expect(JSON.parse(readFileSync(file, 'utf8')).company).toBe('Harbor & Pine Supply')
    expect(server.recovery).toBeNull()
  })

  it('every write is durable: a fresh server on the same folder sees it all', async () => {
    const dir = tempDir()
    const first = await workspace({ dir })
    const rita = await first.as('rita')
    const v = (await rita.get('deal', 'deal-1'))!.version
    const update = await rita.updateRecord('deal', 'deal-1', v, { stage: 'negotiation' }, 'k-up')
    await rita.sendMessage({ about: { type: 'deal', id: 'deal-1' }, to: [dana], subject: 'Terms', body: 'See attached' }, 'k-msg')
    const created = await rita.createRecord('account', { name: 'Gull Rock Ferries', city: 'Bar Harbor, ME' }, 'k-new')

    const second = await workspace({ dir })
    const rita2 = await second.as('rita')
    expect(await rita2.get('deal', 'deal-1')).toMatchObject({ version: update.record?.version, fields: { stage: 'negotiation' } })
    expect(await rita2.get('account', created.record!.id)).toMatchObject({ fields: { name: 'Gull Rock Ferries' } })
    expect(await second.admin.outbox()).toHaveLength(1)
    expect(await rita2.reconcile('k-up')).toEqual({ status: 'applied', result: update })
    expect(await rita2.reconcile('k-elsewhere')).toEqual({ status: 'not_applied' })
    // a replay after the restart returns the stored result and does not apply again
    expect(await rita2.updateRecord('deal', 'deal-1', v, { stage: 'negotiation' }, 'k-up')).toEqual(update)
    expect(await second.admin.effectCount('k-up')).toBe(1)
  })

  it('session tokens live in memory only: they do not survive a restart and are not on disk', async () => {
    const dir = tempDir()
    const first = await workspace({ dir })
    await first.as('rita')
    const tokens = [...(first.server as unknown as { sessions: Map<string, string> }).sessions.keys()]
    expect(tokens).toHaveLength(1)
    expect(readFileSync(first.server.filePath, 'utf8')).not.toContain(tokens[0])
    const second = await workspace({ dir })
    expect((await crmError(second.server.search(tokens[0], 'account', {}))).code).toBe('session_expired')
  })

  it('sees writes made by another server instance on the same folder while running', async () => {
    const dir = tempDir()
    const app = await workspace({ dir })
    const other = await workspace({ dir })
    const rita = await app.as('rita')
    const shown = (await rita.get('deal', 'deal-2'))!
    await other.admin.editRecordAs('theo', 'deal', 'deal-2', { stage: 'won' })
    await other.admin.revoke('rita', 'account.read')
    expect((await rita.get('deal', 'deal-2'))?.fields.stage).toBe('won')
    expect((await crmError(rita.updateRecord('deal', 'deal-2', shown.version, { amount: 1 }, 'k'))).code).toBe('conflict')
    expect((await crmError(rita.search('account', {}))).message).toBe('Rita Alvarez may not read accounts')
  })

  it('another process reloading the folder sees everything written', async () => {
    const dir = tempDir()
    const { as } = await workspace({ dir })
    const maria = await as('maria')
    const write = await maria.createRecord('deal', { name: 'Ferry terminal fenders', accountId: 'acc-7', amount: 88000 }, 'k-proc')
    const serverModule = resolve('src/main/crm/sample/index.ts')
    const script = join(dir, 'child.mts')
    writeFileSync(
      script,
      `import { SampleConnector, SampleWorkspaceServer } from ${JSON.stringify(serverModule)}
const server = await SampleWorkspaceServer.open(${JSON.stringify(dir)})
const s = await new SampleConnector(server).signIn({ kind: 'sample', login: 'maria' })
const deal = await s.get('deal', ${JSON.stringify(write.record!.id)})
const rec = await s.reconcile('k-proc')
await s.createRecord('account', { name: 'Written by the child' }, 'k-child')
console.log(JSON.stringify({ deal, rec }))
`
    )
    const child = spawnSync(process.execPath, ['--import', 'tsx', script], { cwd: process.cwd(), encoding: 'utf8', timeout: 20_000 })
    expect(child.stderr).not.toMatch(/Error/)
    const out = JSON.parse(child.stdout.trim().split('\n').pop()!)
    expect(out.deal).toMatchObject({ version: write.record!.version, fields: { name: 'Ferry terminal fenders', ownerId: 'u-maria' } })
    expect(out.rec).toEqual({ status: 'applied', result: write })
    // and the child's write is seen by this process's running server
    expect((await maria.search('account', { text: 'written by the child' })).length).toBe(1)
    expect(await maria.reconcile('k-child')).toMatchObject({ status: 'applied' })
  })

  it('writes atomically: no temp files are left and the file is always complete JSON', async () => {
    const { as, server } = await workspace()
    const rita = await as('rita')
    await Promise.all(Array.from({ length: 20 }, (_, i) => rita.createRecord('account', { name: `Parallel ${i}` }, `k-par-${i}`)))
    const folder = join(server.filePath, '..')
    expect(readdirSync(folder)).toEqual(['workspace.json'])
    const data = JSON.parse(readFileSync(server.filePath, 'utf8'))
    expect(data.records.account).toHaveLength(28)
    expect(new Set(data.records.account.map((a: { id: string }) => a.id)).size).toBe(28)
    expect(data.effects).toHaveLength(20)
  })
})

describe('sample workspace: a corrupt file', () => {
  for (const [what, content] of [
    ['not JSON', '{"format": "countersign-sample-workspace", "records": {'],
    ['JSON of the wrong shape', JSON.stringify({ hello: 'world' })]
  ]) {
    it(`is moved aside and reported, never silently overwritten (${what})`, async () => {
      const dir = tempDir()
      const seeded = await workspace({ dir })
      writeFileSync(seeded.server.filePath, content)
      const reports: Recovery[] = []
      const { server, as } = await workspace({ dir, onRecovery: (r) => reports.push(r) })
      expect(reports).toHaveLength(1)
      expect(server.recovery).toEqual(reports[0])
      expect(reports[0].movedTo).toMatch(/workspace\.corrupt-[0-9T-]+Z(-\d+)?\.json$/)
      expect(reports[0].reason).toMatch(/not (valid JSON|a sample workspace)/)
      expect(readFileSync(reports[0].movedTo, 'utf8')).toBe(content)
      // a fresh workspace replaces it and works
      expect(await (await as('rita')).search('account', { limit: 50 })).toHaveLength(8)
    })
  }

  it('corrupted behind a running server: moved aside, reported, and the last good data kept', async () => {
    const dir = tempDir()
    const reports: Recovery[] = []
    const { server, as } = await workspace({ dir, onRecovery: (r) => reports.push(r) })
    const rita = await as('rita')
    await rita.createRecord('account', { name: 'Kept' }, 'k-kept')
    writeFileSync(server.filePath, 'garbage')
    expect((await rita.search('account', { text: 'kept' })).length).toBe(1)
    expect(reports).toHaveLength(1)
    expect(readFileSync(reports[0].movedTo, 'utf8')).toBe('garbage')
    expect(JSON.parse(readFileSync(server.filePath, 'utf8')).applied['k-kept']).toBeDefined()
    expect(existsSync(reports[0].movedTo)).toBe(true)
  })
})
