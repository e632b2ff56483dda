// Builds the real core (createApp) on a temp data folder for tests: the sample workspace, real
// files through conf, an in-memory keychain and a scripted model behind a stub provider service.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { LanguageModel } from 'ai'
import { createApp } from '../../src/main/app'
import { SampleConnector, SampleWorkspaceServer, listSampleUsers } from '../../src/main/crm/sample'
import { sampleAdmin } from '../../src/main/crm/sample/admin'
import { CrmError, type CrmConnector } from '../../src/main/crm/types'
import { RecordingNotifier } from '../../src/main/notify/types'
import type { ProviderService } from '../../src/main/providers/types'
import { MemorySecretStore } from '../../src/main/secrets/memory-store'
import { createNodeStoreFactory } from '../../src/main/storage/node-store'

export function tempDir(prefix = 'countersign-test-', parent = tmpdir()): { path: string; remove(): void } {
  const path = mkdtempSync(join(parent, prefix))
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) }
}

export class TestClock {
  constructor(public now = Date.now()) {}
  read = () => this.now
  advanceHours(hours: number) {
    this.now += hours * 3_600_000
  }
}

export function stubProviders(getModel: () => LanguageModel): ProviderService {
  const view = { kind: 'openai' as const, name: 'Test provider', model: 'scripted', baseURL: null, endpointHost: 'test.invalid', hasApiKey: false, local: false, consent: null, ready: true }
  return {
    view: () => view,
    resolve: async () => ({ model: getModel(), provider: 'openai', providerName: 'Test provider', modelId: 'scripted' }),
    prepare: async () => { throw new Error('not in tests') },
    consent: async () => view,
    cancel: async () => view,
    select: async () => { throw new Error('not in tests') },
    deleteProfile: async () => view,
    withdraw: async () => view,
    useDemo: async () => view,
    listModels: async () => [],
    testConnection: async () => { throw new Error('not in tests') },
    conversationProfile: () => null,
    setConversationProfile: () => undefined
  }
}

const noTryton: CrmConnector = {
  kind: 'tryton',
  signIn: async () => {
    throw new CrmError('unavailable', 'No Tryton in this test')
  }
}

export async function openTestApp(
  dataDir: string,
  options: {
    model: () => LanguageModel
    clock?: TestClock
    providers?: ProviderService
    checkpoint?: Parameters<typeof createApp>[0]['checkpoint']
    /** Wraps the sample workspace's connector, e.g. to make the CRM fail in chosen ways. */
    sampleConnector?: (connector: CrmConnector) => CrmConnector
    /** The IT department's policy source (a temp file in tests). */
    managedPolicy?: Parameters<typeof createApp>[0]['managedPolicy']
  }
) {
  const clock = options.clock ?? new TestClock()
  const stores = createNodeStoreFactory(dataDir)
  const sample = await SampleWorkspaceServer.open(dataDir, { now: () => new Date(clock.read()) })
  const notifier = new RecordingNotifier()
  const app = createApp({
    dataDir,
    stores,
    secrets: new MemorySecretStore(),
    notifier,
    clock: clock.read,
    connectors: { sample: options.sampleConnector ? options.sampleConnector(new SampleConnector(sample)) : new SampleConnector(sample), tryton: noTryton },
    providers: options.providers ?? stubProviders(options.model),
    sampleUsers: listSampleUsers,
    checkpoint: options.checkpoint,
    managedPolicy: options.managedPolicy
  })
  await app.start()
  const admin = sampleAdmin(sample)
  return {
    app,
    sample,
    admin,
    notifier,
    clock,
    h: app.handlers,
    async signIn(login: string) {
      return app.handlers['accounts.signIn']({ kind: 'sample', login })
    },
    /** Sends a message and waits until the assistant has nothing more running. */
    async say(conversationId: string, text: string) {
      await app.handlers['conversations.send']({ conversationId, text })
      await app.assistant.idle()
    },
    async close() {
      await app.stop()
    }
  }
}
