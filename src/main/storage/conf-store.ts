// JsonStore over `conf`, the engine inside electron-store. The Electron adapter passes
// electron-store's class in; plain Node (headless host, tests, bench) passes conf's.
import { renameSync, existsSync } from 'node:fs'
import { join } from 'node:path'
import type { JsonStore, JsonStoreFactory } from './types'

// conf re-reads the file before every whole-store write unless this key is present
// (it preserves its own bookkeeping there). We keep our documents free of it otherwise.
const CONF_INTERNAL_KEY = '__internal__'

interface ConfLike {
  readonly path: string
  store: Record<string, unknown>
}

export type ConfClass = new (options: Record<string, unknown>) => ConfLike

export function createConfStoreFactory(
  Store: ConfClass,
  dataDir: string,
  /** electron-store calls the file name option `name`; conf calls it `configName`. */
  nameOption: 'name' | 'configName' = 'configName'
): JsonStoreFactory {
  return {
    open<T extends Record<string, unknown>>({ name, folder, defaults, onCorrupt }: {
      name: string
      folder?: string
      defaults: T
      onCorrupt?: (movedTo: string) => void
    }): JsonStore<T> {
      const cwd = folder ? join(dataDir, folder) : dataDir
      const options = {
        cwd,
        [nameOption]: name,
        clearInvalidConfig: false,
        accessPropertiesByDotNotation: false,
        serialize: (value: unknown) => JSON.stringify(value),
        ...(nameOption === 'configName' ? { projectName: 'countersign', projectSuffix: '' } : {})
      }
      let conf: ConfLike
      let current: T
      try {
        conf = new Store(options)
        current = { ...defaults, ...stripInternal(conf.store) } as T
      } catch (error) {
        // A file we cannot parse is kept for inspection, never silently overwritten.
        const file = join(cwd, `${name}.json`)
        if (!existsSync(file)) throw error
        const movedTo = join(cwd, `${name}.corrupt-${Date.now()}.json`)
        renameSync(file, movedTo)
        onCorrupt?.(movedTo)
        conf = new Store(options)
        current = { ...defaults }
      }
      return {
        path: conf.path,
        read: () => current,
        write(value: T) {
          conf.store = { ...value, [CONF_INTERNAL_KEY]: {} }
          current = value
        }
      }
    }
  }
}

function stripInternal(value: Record<string, unknown>): Record<string, unknown> {
  const { [CONF_INTERNAL_KEY]: _ignored, ...rest } = value
  return rest
}
