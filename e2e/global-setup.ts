// Builds the renderer once for the run: the headless host serves out/renderer.
import { execFileSync } from 'node:child_process'

export default function globalSetup(): void {
  execFileSync('npx', ['vite', 'build', '--config', 'vite.renderer.config.ts', '--logLevel', 'warn'], { stdio: 'inherit' })
}
