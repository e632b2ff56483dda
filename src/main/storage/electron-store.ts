// Electron's stores: electron-store, behind the same adapter as the plain-Node engine.
import ElectronStore from 'electron-store'
import { createConfStoreFactory, type ConfClass } from './conf-store'
import type { JsonStoreFactory } from './types'

export function createElectronStoreFactory(dataDir: string): JsonStoreFactory {
  return createConfStoreFactory(ElectronStore as unknown as ConfClass, dataDir, 'name')
}
