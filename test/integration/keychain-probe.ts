// Run as a child process by keychain.test.ts, so libsecret sees the environment it is given
// from the first call (it keeps its D-Bus connection for the life of a process).
import { KeytarSecretStore } from '../../src/main/secrets/keytar-store'

const store = new KeytarSecretStore('Countersign-probe')
const results: Array<{ op: string; ok: boolean; name?: string; message?: string }> = []
for (const [op, run] of [
  ['set', () => store.set('provider:openai:probe', 'sk-probe-secret')],
  ['get', () => store.get('provider:openai:probe')],
  ['delete', () => store.delete('provider:openai:probe')]
] as const) {
  try {
    await run()
    results.push({ op, ok: true })
  } catch (error) {
    const e = error as Error
    results.push({ op, ok: false, name: e.name, message: e.message })
  }
}
process.stdout.write(JSON.stringify(results))
