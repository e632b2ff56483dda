// The whole app (createApp) wired for tests against the real Tryton server: the real Tryton
// connector, the sample workspace beside it, a recording notifier and a stub provider service.
import type { LanguageModel } from 'ai'
import { createApp } from '../../../src/main/app'
import { SampleConnector, SampleWorkspaceServer, listSampleUsers } from '../../../src/main/crm/sample'
import { TrytonConnector } from '../../../src/main/crm/tryton'
import { RecordingNotifier } from '../../../src/main/notify/types'
import { MemorySecretStore } from '../../../src/main/secrets/memory-store'
import type { SecretStore } from '../../../src/main/secrets/types'
import { createNodeStoreFactory } from '../../../src/main/storage/node-store'
import { stubProviders } from '../../support/test-app'

export async function openTrytonApp(dataDir: string, options: { model: () => LanguageModel; secrets?: SecretStore; pushed?: string[] }) {
  const app = createApp({
    dataDir,
    stores: createNodeStoreFactory(dataDir),
    secrets: options.secrets ?? new MemorySecretStore(),
    notifier: new RecordingNotifier(),
    clock: Date.now,
    connectors: { sample: new SampleConnector(await SampleWorkspaceServer.open(dataDir)), tryton: new TrytonConnector() },
    providers: stubProviders(options.model),
    sampleUsers: listSampleUsers
  })
  // Everything pushed to the renderer, to prove no secret or other person's data is sent there.
  if (options.pushed) app.events.subscribe((name, payload) => options.pushed!.push(`${name} ${JSON.stringify(payload)}`))
  await app.start()
  return app
}
