// Where Electron's binary is, if anywhere. Electron's npm package downloads it in a postinstall
// step from Electron's release host; where that host is unreachable (as on our CI machines) the
// package installs without it. ELECTRON_OVERRIDE_DIST_PATH and ELECTRON_CACHE are Electron's and
// @electron/get's own variables, honoured the same way here.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { createRequire } from 'node:module'
import { homedir } from 'node:os'
import { dirname, join } from 'node:path'

const require = createRequire(import.meta.url)

export function electronPackageDir() {
  try {
    return dirname(require.resolve('electron/package.json'))
  } catch {
    return null
  }
}

export function electronVersion() {
  const dir = electronPackageDir()
  return dir ? JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).version : null
}

/** The path of the Electron executable for this machine, or null. */
export function electronBinary(env = process.env) {
  const dir = electronPackageDir()
  if (!dir) return null
  const pathFile = join(dir, 'path.txt')
  if (!existsSync(pathFile)) return null
  const relative = readFileSync(pathFile, 'utf8').trim()
  const dist = env.ELECTRON_OVERRIDE_DIST_PATH || join(dir, 'dist')
  const bin = join(dist, relative)
  return existsSync(bin) ? bin : null
}

function defaultCacheDir(platform) {
  if (platform === 'darwin') return join(homedir(), 'Library', 'Caches', 'electron')
  if (platform === 'win32') return join(process.env.LOCALAPPDATA || join(homedir(), 'AppData', 'Local'), 'electron', 'Cache')
  return join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'electron')
}

/** A downloaded Electron zip for this version, platform and arch in @electron/get's cache. */
export function cachedElectronZip({ version, platform = process.platform, arch = process.arch, env = process.env }) {
  const cache = env.ELECTRON_CACHE || defaultCacheDir(platform)
  const name = `electron-v${version}-${platform}-${arch}.zip`
  if (!existsSync(cache)) return null
  if (existsSync(join(cache, name))) return join(cache, name)
  for (const entry of readdirSync(cache)) {
    const candidate = join(cache, entry, name)
    if (statSync(join(cache, entry)).isDirectory() && existsSync(candidate)) return candidate
  }
  return null
}
