// The real Electron app, as a person meets it: the window loads from app://countersign with the
// CSP header, the page has no Node, a write waits on its card, closing the window leaves
// Countersign running with the card still waiting, and it comes back on the same card.
// Runs only through `npm run test:electron`, where Electron's binary exists.
import { _electron as electron, expect, test, type ElectronApplication, type Page } from '@playwright/test'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { ask, card, signInSample } from '../fixtures'

const ROOT = resolve(import.meta.dirname, '../..')

let app: ElectronApplication
let page: Page
let dataDir: string

test.beforeEach(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'countersign-electron-e2e-'))
  const env = { ...process.env, COUNTERSIGN_DATA_DIR: dataDir } as Record<string, string>
  delete env.ELECTRON_RENDERER_URL
  app = await electron.launch({
    executablePath: process.env.ELECTRON_BINARY,
    args: [join(ROOT, 'out/main/index.js'), ...(process.platform === 'linux' ? ['--no-sandbox'] : [])],
    env
  })
  page = await app.firstWindow()
})

test.afterEach(async () => {
  await app?.close()
  rmSync(dataDir, { recursive: true, force: true })
})

test('loads from app://countersign with the CSP header, and the page has no Node', async () => {
  expect(page.url()).toBe('app://countersign/index.html')
  const csp = await page.evaluate(async () => (await fetch('app://countersign/index.html')).headers.get('content-security-policy'))
  expect(csp).toContain("default-src 'self'")
  expect(await page.evaluate(() => typeof (globalThis as any).require)).toBe('undefined')
  expect(await page.evaluate(() => typeof (globalThis as any).process)).toBe('undefined')
  expect(await page.evaluate(() => Object.keys((globalThis as any).countersign ?? {}).sort())).toEqual(['events', 'requests'])
  const outside = await page.evaluate(async () => (await fetch('app://countersign/..%2f..%2fpackage.json')).status)
  expect(outside).toBe(403)
})

test('closing the window keeps Countersign running with the card waiting; it comes back on the card', async () => {
  await signInSample(page, 'maria')
  await ask(page, 'Move deal Spring dock hardware order to stage negotiation')
  await expect(card(page)).toHaveAttribute('data-state', 'pending')

  await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows()[0].close())
  await expect.poll(() => app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows().map((w) => w.isVisible()))).toEqual([false])

  await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows()[0].show())
  await page.getByTestId('conversation-item').first().click()
  await expect(card(page)).toHaveAttribute('data-state', 'pending')
  await card(page).getByTestId('approve-button').click()
  await expect(card(page)).toHaveAttribute('data-state', 'succeeded')
})
