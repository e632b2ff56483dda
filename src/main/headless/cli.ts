// Starts the headless host and prints one JSON line when ready: {"url","port","token","pid"}.
// Used by the end-to-end tests and by dev.ts. Options come from the environment so a test can
// restart the host on the same data folder with the same settings.
import { startHost } from './host'

// A stray rejection must not take the host down silently: say what happened and carry on.
process.on('unhandledRejection', (reason) => console.error('[host] unhandled rejection:', reason instanceof Error ? reason.message : reason))

const env = process.env
const dataDir = env.COUNTERSIGN_DATA_DIR
if (!dataDir) {
  console.error('Set COUNTERSIGN_DATA_DIR to the data folder to use.')
  process.exit(2)
}

// A fixed token (with a fixed port) lets a tab left open reconnect after a restart. It must be as
// hard to guess as a random one.
const token = env.COUNTERSIGN_TOKEN
if (token !== undefined && !/^[A-Za-z0-9_-]{32,}$/.test(token)) {
  console.error('COUNTERSIGN_TOKEN must be at least 32 letters, digits, - or _.')
  process.exit(2)
}

const failpoints: Record<string, number> = {}
for (const item of (env.COUNTERSIGN_FAILPOINTS ?? '').split(',').filter(Boolean)) {
  const [name, ms] = item.split(':')
  failpoints[name] = Number(ms)
}

startHost({
  dataDir,
  port: env.COUNTERSIGN_PORT ? Number(env.COUNTERSIGN_PORT) : undefined,
  token,
  clockOffsetMs: env.COUNTERSIGN_CLOCK_OFFSET_MS ? Number(env.COUNTERSIGN_CLOCK_OFFSET_MS) : undefined,
  secrets: env.COUNTERSIGN_SECRETS === 'memory' ? 'memory' : 'keychain',
  rendererDir: env.COUNTERSIGN_RENDERER_DIR,
  itPolicyPath: env.COUNTERSIGN_IT_POLICY || undefined,
  failpoints
})
  .then((host) => {
    process.stdout.write(JSON.stringify({ url: host.transport.url, port: host.transport.port, token: host.transport.token, pid: process.pid }) + '\n')
    const shutdown = () => void host.close().finally(() => process.exit(0))
    process.on('SIGTERM', shutdown)
    process.on('SIGINT', shutdown)
  })
  .catch((error) => {
    console.error(error instanceof Error ? error.message : error)
    process.exit(1)
  })
