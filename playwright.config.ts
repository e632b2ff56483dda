import { defineConfig } from '@playwright/test'

// Debian's Chromium, never a downloaded browser. Each test starts its own headless host with a
// fresh data folder (e2e/fixtures.ts), so tests can run side by side.
export default defineConfig({
  testDir: 'e2e',
  globalSetup: './e2e/global-setup.ts',
  timeout: 60_000,
  expect: { timeout: 10_000 },
  workers: 2,
  retries: 0,
  reporter: process.env.PLAYWRIGHT_JSON_OUTPUT_NAME ? [['list'], ['json']] : [['list']],
  use: {
    browserName: 'chromium',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-dev-shm-usage']
    },
    viewport: { width: 1280, height: 860 },
    trace: 'off',
    screenshot: 'only-on-failure'
  }
})
