// `npm run dev:headless`: the real core and renderer in your browser, without Electron.
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { homedir } from 'node:os'
import { join } from 'node:path'
import { startHost } from './host'

const dataDir = process.env.COUNTERSIGN_DATA_DIR ?? join(homedir(), '.countersign-headless')
const host = await startHost({ dataDir, secrets: process.env.COUNTERSIGN_SECRETS === 'memory' ? 'memory' : 'keychain' })
console.log(`Countersign (headless) is running with data in ${dataDir}`)
console.log(`Open ${host.transport.url}`)
if (!process.env.CI && process.argv.includes('--open')) {
  const browser = ['/usr/bin/chromium', '/usr/bin/google-chrome'].find(existsSync)
  if (browser) spawn(browser, [`--app=${host.transport.url}`, '--disable-background-networking', '--no-first-run'], { stdio: 'ignore', detached: true }).unref()
}
const shutdown = () => void host.close().finally(() => process.exit(0))
process.on('SIGINT', shutdown)
process.on('SIGTERM', shutdown)
