// `npm run test:electron`: the Playwright specs against the real Electron app (_electron.launch),
// wherever Electron's binary is installed (developers' machines, the release workflow's runners).
// Where it is not (our CI machines cannot download it), it says so and exits 1: those specs did
// not run, and are not counted as passed or as skipped. `npm test` does not run them.
import { spawnSync } from 'node:child_process'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { electronBinary, electronVersion } from './lib/electron.mjs'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const binary = electronBinary()
if (!binary) {
  console.error(`test:electron: Electron ${electronVersion() ?? ''}'s binary is not installed here (its download is blocked on this machine), so the Electron specs did not run.`)
  console.error('They run in .github/workflows/release.yml on Linux under Xvfb, and on any machine where `npm ci` could download Electron.')
  process.exit(1)
}

const run = (cmd, args, extraEnv = {}) => spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...extraEnv }, shell: process.platform === 'win32' }).status ?? 1

if (run('npx', ['electron-vite', 'build']) !== 0) process.exit(1)
const playwright = ['playwright', 'test', '--config', 'playwright.electron.config.ts', ...process.argv.slice(2)]
// Linux without a display: run under a virtual one when xvfb-run is there.
const headless = process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY
const hasXvfb = headless && spawnSync('sh', ['-c', 'command -v xvfb-run'], { stdio: 'ignore' }).status === 0
const status = hasXvfb ? run('xvfb-run', ['-a', 'npx', ...playwright], { ELECTRON_BINARY: binary }) : run('npx', playwright, { ELECTRON_BINARY: binary })
process.exit(status)
