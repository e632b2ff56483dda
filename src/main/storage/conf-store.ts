// JsonStore over `conf`, the engine inside electron-store. The Electron adapter passes
// electron-store's class in; plain Node (headless host, tests, bench) passes conf's.
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs'
import { join, relative } from 'node:path'
import { PRIVATE_FILE_MODE, ensurePrivateDir } from './private-files'
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
    open<T extends Record<string, unknown>>({ name, folder, defaults, onCorrupt, accept }: {
      name: string
      folder?: string
      defaults: T
      onCorrupt?: (movedTo: string) => void
      accept?: (value: Record<string, unknown>) => boolean
    }): JsonStore<T> {
      const cwd = folder ? join(dataDir, folder) : dataDir
      const options = {
        cwd,
        [nameOption]: name,
        clearInvalidConfig: false,
        configFileMode: PRIVATE_FILE_MODE, // both conf and electron-store default to 0o666
        accessPropertiesByDotNotation: false,
        serialize: (value: unknown) => JSON.stringify(value),
        ...(nameOption === 'configName' ? { projectName: 'countersign', projectSuffix: '' } : {})
      }
      const file = join(cwd, `${name}.json`)
      // Reading is plain JSON.parse of the file electron-store wrote. We do not construct the
      // store just to read: its constructor parses the file twice and deep-compares it against
      // the defaults, which dominated start-up with a large ledger (bench/results.md).
      const aside = () => join(cwd, `${name}.corrupt-${Date.now()}.json`)
      let current: T
      try {
        if (!existsSync(file)) current = { ...defaults }
        else {
          const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'))
          // Valid JSON of the wrong shape is as unreadable as invalid JSON.
          if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object')
          const document = stripInternal(parsed as Record<string, unknown>)
          if (accept && !accept(document)) throw new Error('unexpected shape')
          current = { ...defaults, ...document } as T
        }
      } catch {
        // A file we cannot read is kept for inspection, never silently overwritten.
        const movedTo = aside()
        renameSync(file, movedTo)
        onCorrupt?.(relative(dataDir, movedTo))
        current = { ...defaults }
      }
      let conf: ConfLike | null = null
      return {
        path: file,
        read: () => current,
        write(value: T) {
          if (!conf) {
            ensurePrivateDir(cwd) // conf would create it with the default 0755
            conf = new Store(options)
          }
          conf.store = { ...value, [CONF_INTERNAL_KEY]: {} }
          current = value
        },
        remove() {
          rmSync(file, { force: true })
          current = { ...defaults }
        },
        keepCopy() {
          const copy = aside()
          copyFileSync(file, copy)
          return relative(dataDir, copy)
        }
      }
    }
  }
}

function stripInternal(value: Record<string, unknown>): Record<string, unknown> {
  const { [CONF_INTERNAL_KEY]: _ignored, ...rest } = value
  return rest
}
