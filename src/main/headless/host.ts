// Composition root for the headless host: the same services as the Electron app, composed
// without Electron (conf instead of electron-store, a recording notifier), served over loopback.
import { resolve } from 'node:path'
import { createApp, type AppAdapters } from '../app'
import type { Checkpoint } from '../assistant/core'
import { SampleConnector, SampleWorkspaceServer, listSampleUsers } from '../crm/sample'
import { TrytonConnector } from '../crm/tryton'
import { RecordingNotifier } from '../notify/types'
import { defaultManagedPolicySource } from '../policy/organisation'
import { DefaultProviderService } from '../providers/service'
import { KeytarSecretStore } from '../secrets/keytar-store'
import { MemorySecretStore } from '../secrets/memory-store'
import type { SecretStore } from '../secrets/types'
import { createNodeStoreFactory } from '../storage/node-store'
import { makeDataDirPrivate } from '../storage/private-files'
import { acquireInstanceLock } from './instance-lock'
import { serveHeadless, type HostTransport } from './server'

export interface HostOptions {
  dataDir: string
  rendererDir?: string
  port?: number
  /** This run's token; random when not given. Given, with the same port, a restarted host lets open tabs reconnect. */
  token?: string
  /** Shifts the host's clock, to test expiry without waiting two days. */
  clockOffsetMs?: number
  /** 'keychain' (default) uses the OS keychain via keytar; 'memory' is for tests that need no keyring. */
  secrets?: 'keychain' | 'memory'
  /** Named pauses in the execution path, for the crash tests: { 'executing-on-disk': 200 }. */
  failpoints?: Partial<Record<Checkpoint, number>>
  /** Read the IT policy from this file instead of the platform's place (tests, trials). */
  itPolicyPath?: string
}

export async function startHost(options: HostOptions) {
  const dataDir = resolve(options.dataDir)
  makeDataDirPrivate(dataDir)
  const releaseLock = acquireInstanceLock(dataDir)
  try {
    const clock = () => Date.now() + (options.clockOffsetMs ?? 0)
    const stores = createNodeStoreFactory(dataDir)
    const secrets: SecretStore = options.secrets === 'memory' ? new MemorySecretStore() : new KeytarSecretStore()
    const sample = await SampleWorkspaceServer.open(dataDir, { now: () => new Date(clock()) })
    const notifier = new RecordingNotifier()
    const failpoints = options.failpoints ?? {}
    const adapters: AppAdapters = {
      dataDir,
      stores,
      secrets,
      notifier,
      clock,
      connectors: { sample: new SampleConnector(sample), tryton: new TrytonConnector() },
      providers: new DefaultProviderService({ stores, secrets, clock }),
      sampleUsers: listSampleUsers,
      managedPolicy: defaultManagedPolicySource({ path: options.itPolicyPath }),
      checkpoint: async (name) => {
        const ms = failpoints[name]
        if (ms) await new Promise((r) => setTimeout(r, ms))
      }
    }
    const app = createApp(adapters)
    await app.start()
    const transport: HostTransport = await serveHeadless({
      handlers: app.handlers,
      events: app.events,
      rendererDir: options.rendererDir ?? resolve(import.meta.dirname, '../../../out/renderer'),
      port: options.port,
      log: (message, error) => app.log.error(message, error),
      token: options.token
    })
    return {
      app,
      notifier,
      sample,
      transport,
      async close() {
        await transport.close()
        await app.stop()
        releaseLock()
      }
    }
  } catch (error) {
    releaseLock()
    throw error
  }
}
