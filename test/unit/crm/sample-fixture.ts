// Shared set-up for the sample workspace tests: a server in a fresh temp folder, cleaned up after.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach } from 'vitest'
import { sampleAdmin } from '../../../src/main/crm/sample/admin'
import { SampleConnector, SampleWorkspaceServer, type SampleServerOptions } from '../../../src/main/crm/sample/index'
import { type CrmSession } from '../../../src/main/crm/types'

const dirs: string[] = []
afterEach(() => {
  while (dirs.length) rmSync(dirs.pop()!, { recursive: true, force: true })
})

export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'countersign-sample-'))
  dirs.push(dir)
  return dir
}

export async function workspace(options: SampleServerOptions & { dir?: string } = {}) {
  const dir = options.dir ?? tempDir()
  const server = await SampleWorkspaceServer.open(dir, options)
  const connector = new SampleConnector(server)
  const as = (login: string): Promise<CrmSession> => connector.signIn({ kind: 'sample', login })
  return { dir, server, connector, admin: sampleAdmin(server), as }
}

export { crmError } from '../../support/crm-error'
