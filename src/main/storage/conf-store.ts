// JsonStore over `conf`, the engine inside electron-store. The Electron adapter passes
// electron-store's class in; plain Node (headless host, tests, bench) passes conf's.
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs'
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
    folderPath(folder: string): string {
      const dir = join(dataDir, folder)
      mkdirSync(dir, { recursive: true })
      return dir
    },
    list(folder?: string): string[] {
      const dir = folder ? join(dataDir, folder) : dataDir
      if (!existsSync(dir)) return []
      return readdirSync(dir)
        .filter((f) => f.endsWith('.json') && !f.includes('.corrupt-'))
        .map((f) => f.slice(0, -'.json'.length))
    },
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
      const file = join(cwd, `${name}.json`)
      // Reading is plain JSON.parse of the file electron-store wrote. We do not construct the
      // store just to read: its constructor parses the file twice and deep-compares it against
      // the defaults, which dominated start-up with a large ledger (bench/results.md).
      let current: T
      try {
        current = existsSync(file) ? ({ ...defaults, ...stripInternal(JSON.parse(readFileSync(file, 'utf8'))) } as T) : { ...defaults }
      } catch {
        // A file we cannot parse is kept for inspection, never silently overwritten.
        const movedTo = join(cwd, `${name}.corrupt-${Date.now()}.json`)
        renameSync(file, movedTo)
        onCorrupt?.(movedTo)
        current = { ...defaults }
      }
      let conf: ConfLike | null = null
      return {
        path: file,
        read: () => current,
        write(value: T) {
          conf ??= new Store(options)
          conf.store = { ...value, [CONF_INTERNAL_KEY]: {} }
          current = value
        },
        remove() {
          rmSync(file, { force: true })
          current = { ...defaults }
        }
      }
    }
  }
}

function stripInternal(value: Record<string, unknown>): Record<string, unknown> {
  const { [CONF_INTERNAL_KEY]: _ignored, ...rest } = value
  return rest
}
