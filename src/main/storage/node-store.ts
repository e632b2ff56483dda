// Plain-Node stores (headless host, tests, benchmarks): electron-store's engine, conf.
import Conf from 'conf'
import { createConfStoreFactory, type ConfClass } from './conf-store'
import type { JsonStoreFactory } from './types'

export function createNodeStoreFactory(dataDir: string): JsonStoreFactory {
  return createConfStoreFactory(Conf as unknown as ConfClass, dataDir, 'configName')
}
