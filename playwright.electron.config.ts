import { defineConfig } from '@playwright/test'

// The same kind of specs as e2e/, against the real Electron app (`_electron.launch`) instead of
// the headless host. Run by `npm run test:electron` (scripts/test-electron.mjs), which builds the
// app first and runs only where Electron's binary is installed. The default config does not pick
// these files up (they are *.electron.ts), so `npm test` never counts them.
export default defineConfig({
  testDir: 'e2e/electron',
  testMatch: '**/*.electron.ts',
  timeout: 90_000,
  expect: { timeout: 15_000 },
  workers: 1,
  retries: 0,
  reporter: process.env.PLAYWRIGHT_JSON_OUTPUT_NAME ? [['list'], ['json']] : [['list']],
  use: { trace: 'retain-on-failure', screenshot: 'only-on-failure' }
})
