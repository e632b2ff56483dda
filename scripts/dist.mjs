// `npm run dist`: builds the installers for this platform (or those named: `npm run dist --
// --win`, `--mac`, `--linux`; other electron-builder arguments pass through). Needs Electron for
// the target platform, which electron-builder downloads like Electron's own postinstall does.
// Where that download is impossible (as on our CI machines), it says so plainly and exits 2.
import { spawnSync } from 'node:child_process'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { cachedElectronZip, electronBinary, electronVersion } from './lib/electron.mjs'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const args = process.argv.slice(2)
const env = process.env

function fail(lines, code = 2) {
  for (const line of lines) console.error(line)
  process.exit(code)
}

const version = electronVersion()
if (!version) fail(['npm run dist: the electron package is not installed. Run `npm ci` first.'])

if (!electronBinary(env) && !cachedElectronZip({ version, env }) && !env.ELECTRON_MIRROR) {
  fail([
    `npm run dist cannot build installers on this machine: Electron ${version} could not be downloaded here.`,
    `Electron's binary is not installed (node_modules/electron/dist is missing: its install step could not reach Electron's`,
    `release host), and no electron-v${version}-${process.platform}-${process.arch}.zip is in the Electron cache. electron-builder needs`,
    'that same download to package the app, so nothing was built.',
    '',
    'To build the installers:',
    '  - on a machine that can download Electron, run `npm ci && npm run dist`; or',
    '  - push a version tag: .github/workflows/release.yml builds and signs them on Windows, macOS and Linux; or',
    '  - put the zip in the cache (ELECTRON_CACHE), or point ELECTRON_MIRROR at a mirror you trust, then run it again.'
  ])
}

// Say plainly whether what comes out is signed. electron-builder reads these same variables.
const targets = args.some((a) => /^--(win|windows|mac|macos|linux)$/.test(a) || /^-[wml]+$/.test(a))
  ? args
  : [{ win32: '--win', darwin: '--mac', linux: '--linux' }[process.platform] ?? '--linux']
const wants = (name) => targets.some((a) => a === `--${name}` || (name === 'win' && a === '--windows') || (name === 'mac' && a === '--macos') || (/^-[wml]+$/.test(a) && a.includes(name[0])))
const notes = []
if (wants('win') && !(env.WIN_CSC_LINK || env.CSC_LINK)) notes.push('Windows installers will be UNSIGNED (no CSC_LINK or WIN_CSC_LINK): SmartScreen will warn, and their names end in -unsigned.')
if (wants('mac') && !(env.CSC_LINK || env.CSC_NAME)) notes.push('macOS app, dmg and pkg will be UNSIGNED and not notarized (no CSC_LINK): Gatekeeper will refuse them; names end in -unsigned.')
if (wants('mac') && (env.CSC_LINK || env.CSC_NAME) && !(env.APPLE_API_KEY || env.APPLE_ID || env.APPLE_KEYCHAIN_PROFILE)) notes.push('macOS build is signed but will NOT be notarized (no APPLE_API_KEY/APPLE_API_KEY_ID/APPLE_API_ISSUER or APPLE_ID/APPLE_APP_SPECIFIC_PASSWORD/APPLE_TEAM_ID).')
if (wants('linux')) notes.push('Linux packages (deb, rpm, AppImage) are not code-signed by electron-builder; sign the repository you publish them from.')
for (const note of notes) console.log(`dist: ${note}`)

const run = (cmd, cmdArgs) => {
  const result = spawnSync(cmd, cmdArgs, { cwd: root, stdio: 'inherit', env, shell: process.platform === 'win32' })
  return result.status ?? 1
}

if (run('npx', ['electron-vite', 'build']) !== 0) fail(['npm run dist: the app did not build (electron-vite build failed, see above).'], 1)
const publish = args.some((a) => a.startsWith('--publish') || a === '-p') ? [] : ['--publish', 'never']
const status = run('npx', ['electron-builder', '--config', 'electron-builder.ts', ...targets.filter((a) => !args.includes(a)), ...args, ...publish])
if (status !== 0) fail([`npm run dist: electron-builder failed (exit ${status}); its message is above.`], status)
console.log('dist: installers are in dist/')
