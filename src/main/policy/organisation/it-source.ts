// The IT department's policy for managed desktops, read where the desktop world puts such things
// (as VS Code and Claude Code do):
//   Linux    /etc/countersign/policy.json
//   macOS    /Library/Managed Preferences/<app id>.plist (what an MDM profile installs)
//   Windows  HKLM\SOFTWARE\Policies\Countersign, value "Policy" (REG_SZ: the JSON document)
// Read at start-up and again whenever it changes (fs.watch, with polling as the fallback for
// file systems and registry keys that cannot be watched). The reader is injectable for tests.
import { execFile } from 'node:child_process'
import { watch, type FSWatcher } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { basename, dirname } from 'node:path'
import plist from 'plist'

export const APP_ID = 'com.countersign.app'

/** What one read found. `detail` on 'error' is for people: it names what is wrong, not a stack. */
export type RawPolicyRead = { status: 'none'; detail: string } | { status: 'found'; document: unknown } | { status: 'error'; detail: string }

export interface ManagedPolicySource {
  /** Where it is read, for Settings and the banner ("/etc/countersign/policy.json"). */
  readonly location: string
  read(): Promise<RawPolicyRead>
  /** Calls `onChange` when the policy may have changed; returns a function that stops watching. */
  watch(onChange: () => void): () => void
}

type Exec = (file: string, args: string[]) => Promise<string>

const execText: Exec = (file, args) =>
  new Promise((resolve, reject) => {
    execFile(file, args, { encoding: 'utf8', timeout: 10_000, windowsHide: true }, (error, stdout) => (error ? reject(error) : resolve(stdout)))
  })

function errno(e: unknown): string | undefined {
  return (e as NodeJS.ErrnoException | undefined)?.code
}

/** A JSON file (Linux, or any platform when a path is given). */
export function jsonFileSource(path: string, options: { pollMs?: number } = {}): ManagedPolicySource {
  return fileSource(path, options, (text) => {
    try {
      return { status: 'found', document: JSON.parse(text) as unknown }
    } catch (e) {
      return { status: 'error', detail: `not valid JSON (${(e as Error).message})` }
    }
  })
}

/** A property list: XML as written by profiles, or binary (converted with the system's plutil). */
export function plistFileSource(path: string, options: { pollMs?: number; exec?: Exec } = {}): ManagedPolicySource {
  const exec = options.exec ?? execText
  return fileSource(path, options, async (text, bytes) => {
    let xml = text
    if (bytes.subarray(0, 6).toString('latin1') === 'bplist') {
      try {
        xml = await exec('/usr/bin/plutil', ['-convert', 'xml1', '-o', '-', path])
      } catch {
        return { status: 'error', detail: 'a binary property list that plutil could not convert' }
      }
    }
    // The parser accepts a truncated document (a file caught mid-write) and returns what it
    // read so far, which could drop rules: only a complete property list counts.
    if (!/<\/plist>\s*$/.test(xml)) return { status: 'error', detail: 'an incomplete property list (no closing </plist>)' }
    try {
      return { status: 'found', document: plist.parse(xml) as unknown }
    } catch {
      // The parser's messages are internal (TypeErrors from its DOM walk): say what it is instead.
      return { status: 'error', detail: 'not a valid property list' }
    }
  })
}

/** The Windows registry: the JSON document in the REG_SZ value `Policy` of the key. */
export function registrySource(options: { key?: string; pollMs?: number; exec?: Exec } = {}): ManagedPolicySource {
  const key = options.key ?? 'HKLM\\SOFTWARE\\Policies\\Countersign'
  const exec = options.exec ?? execText
  const read = async (): Promise<RawPolicyRead> => {
    let out: string
    try {
      out = await exec('reg', ['query', key, '/v', 'Policy'])
    } catch {
      // reg exits 1 when the key or the value does not exist.
      return { status: 'none', detail: `no value "Policy" under ${key}` }
    }
    const line = out.split(/\r?\n/).find((l) => /^\s+Policy\s+REG_/i.test(l))
    const m = line?.match(/^\s+Policy\s+(REG_\w+)\s+(.*)$/i)
    if (!m) return { status: 'none', detail: `no value "Policy" under ${key}` }
    if (m[1].toUpperCase() !== 'REG_SZ' && m[1].toUpperCase() !== 'REG_EXPAND_SZ') {
      return { status: 'error', detail: `the value "Policy" is ${m[1]}; it must be REG_SZ holding the JSON document` }
    }
    try {
      return { status: 'found', document: JSON.parse(m[2]) as unknown }
    } catch (e) {
      return { status: 'error', detail: `the value "Policy" is not valid JSON (${(e as Error).message})` }
    }
  }
  return { location: key, read, watch: (onChange) => poll(read, onChange, options.pollMs ?? 30_000) }
}

/** The platform's own place, or `path` when one is given (tests, the headless host). */
export function defaultManagedPolicySource(options: { platform?: NodeJS.Platform; path?: string } = {}): ManagedPolicySource {
  if (options.path) return options.path.endsWith('.plist') ? plistFileSource(options.path) : jsonFileSource(options.path)
  switch (options.platform ?? process.platform) {
    case 'darwin':
      return plistFileSource(`/Library/Managed Preferences/${APP_ID}.plist`)
    case 'win32':
      return registrySource()
    default:
      return jsonFileSource('/etc/countersign/policy.json')
  }
}

function fileSource(
  path: string,
  options: { pollMs?: number },
  parse: (text: string, bytes: Buffer) => RawPolicyRead | Promise<RawPolicyRead>
): ManagedPolicySource {
  const read = async (): Promise<RawPolicyRead> => {
    let bytes: Buffer
    try {
      bytes = await readFile(path)
    } catch (e) {
      if (errno(e) === 'ENOENT' || errno(e) === 'ENOTDIR') return { status: 'none', detail: `no file at ${path}` }
      if (errno(e) === 'EACCES' || errno(e) === 'EPERM') return { status: 'error', detail: 'the file exists but Countersign may not read it' }
      if (errno(e) === 'EISDIR') return { status: 'error', detail: 'a folder, not a file' }
      return { status: 'error', detail: `could not be read (${errno(e) ?? 'unknown error'})` }
    }
    return parse(bytes.toString('utf8'), bytes)
  }
  return {
    location: path,
    read,
    watch(onChange) {
      // Watch the folder, not the file: editors and MDM agents replace the file, and it may not
      // exist yet. Polling covers folders that do not exist and file systems without events.
      let watcher: FSWatcher | null = null
      try {
        watcher = watch(dirname(path), { persistent: false }, (_event, file) => {
          if (!file || file.toString() === basename(path)) onChange()
        })
        watcher.on('error', () => watcher?.close())
      } catch {
        watcher = null
      }
      const stopPolling = poll(read, onChange, options.pollMs ?? 10_000)
      return () => {
        watcher?.close()
        stopPolling()
      }
    }
  }
}

/** Re-reads every `ms` and reports when what it reads changed. */
function poll(read: () => Promise<RawPolicyRead>, onChange: () => void, ms: number): () => void {
  let last: string | null = null
  let busy = false
  const tick = async () => {
    if (busy) return
    busy = true
    try {
      const now = JSON.stringify(await read())
      if (last !== null && now !== last) onChange()
      last = now
    } finally {
      busy = false
    }
  }
  void tick()
  const timer = setInterval(() => void tick(), ms)
  timer.unref?.()
  return () => clearInterval(timer)
}
