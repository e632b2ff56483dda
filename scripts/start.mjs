// `npm start`: runs Countersign. With Electron's binary present it builds and starts the desktop
// app. Where the binary cannot be downloaded (as on our CI machines), it runs the same core and
// renderer through the headless host and opens it in Chromium, or prints the address to open.
// Either way it lands on the sample workspace and the offline demo assistant: no account needed.
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'

const require = createRequire(import.meta.url)
const root = join(dirname(new URL(import.meta.url).pathname), '..')

function electronBinary() {
  try {
    const pkg = dirname(require.resolve('electron/package.json'))
    const pathFile = join(pkg, 'path.txt')
    if (!existsSync(pathFile)) return null
    const bin = join(pkg, 'dist', readFileSync(pathFile, 'utf8').trim())
    return existsSync(bin) ? bin : null
  } catch {
    return null
  }
}

const run = (cmd, args) => {
  const result = spawnSync(cmd, args, { cwd: root, stdio: 'inherit' })
  if (result.status !== 0) process.exit(result.status ?? 1)
}

if (electronBinary() && !process.argv.includes('--headless')) {
  run('npx', ['electron-vite', 'build'])
  const child = spawn('npx', ['electron-vite', 'preview', '--skipBuild'], { cwd: root, stdio: 'inherit' })
  child.on('exit', (code) => process.exit(code ?? 0))
} else {
  console.log('Electron\'s binary is not installed here: starting Countersign in your browser through the headless host.')
  run('npx', ['vite', 'build', '--config', 'vite.renderer.config.ts', '--logLevel', 'warn'])
  const args = ['--import', 'tsx', join(root, 'src/main/headless/dev.ts')]
  if (process.env.DISPLAY || process.env.WAYLAND_DISPLAY) args.push('--open')
  const child = spawn(process.execPath, args, { cwd: root, stdio: 'inherit' })
  const stop = () => child.kill('SIGTERM')
  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)
  child.on('exit', (code) => process.exit(code ?? 0))
}
