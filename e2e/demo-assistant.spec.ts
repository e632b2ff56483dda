// The offline demo assistant on the sample workspace, from a fresh data folder: overdue
// invoices, then an email to one customer about theirs, approved, landing in the outbox.
// Also the consent screen for a real provider, with screenshots to look at.
import { mkdirSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { ask, card, chooseProvider, expect, openApp, signInSample, test } from './fixtures'

// Screenshots to look at go to test-results/; UPDATE_SCREENSHOTS=1 refreshes the ones committed
// in docs/screenshots, so a test run never changes tracked files.
const SHOTS = resolve(import.meta.dirname, process.env.UPDATE_SCREENSHOTS ? '../docs/screenshots' : '../test-results/screenshots')

test('demo: overdue invoices, then an approved reminder email lands in the outbox', async ({ page, host }) => {
  mkdirSync(SHOTS, { recursive: true })
  await openApp(page, host)
  await signInSample(page, 'frank')
  await expect(page.getByTestId('demo-banner')).toContainText(/not an AI model/i)

  await ask(page, 'Show overdue invoices')
  await expect(page.getByTestId('entry-assistant').last()).toContainText('Pacific Timberline')

  await ask(page, 'Email Pacific Timberline Co. about their overdue invoice')
  const pending = card(page)
  await expect(pending).toHaveAttribute('data-state', 'pending')
  const detail = pending.getByTestId('card-detail')
  await expect(detail).toContainText('@')
  await expect(detail).toContainText(/INV-\d+/)
  await pending.scrollIntoViewIfNeeded()
  await page.screenshot({ path: join(SHOTS, 'approval-card.png') })

  await pending.getByTestId('approve-button').click()
  await expect(pending).toHaveAttribute('data-state', 'succeeded')
  await expect(page.getByTestId('entry-assistant').last()).toContainText(/sent|Done/i)

  await host.stop()
  const ws = JSON.parse(await readFile(join(host.dataDir, 'sample-workspace', 'workspace.json'), 'utf8'))
  expect(ws.outbox).toHaveLength(1)
  expect(ws.outbox[0].subject).toMatch(/invoice/i)
  expect(ws.outbox[0].body).toMatch(/INV-\d+/)
})

test('choosing a real provider shows what is sent, to whom, and needs an explicit yes', async ({ page, host }) => {
  mkdirSync(SHOTS, { recursive: true })
  await openApp(page, host)
  await signInSample(page, 'maria')
  await chooseProvider(page, { kind: 'openai-compatible', model: 'llama3.1', baseURL: 'http://127.0.0.1:11434/v1' })

  const consent = page.getByTestId('consent-screen')
  await expect(consent).toBeVisible()
  await expect(consent).toContainText('127.0.0.1:11434')
  await expect(consent).toContainText(/records/i)
  await expect(page.getByTestId('consent-enable')).toBeDisabled()
  await consent.scrollIntoViewIfNeeded()
  await page.screenshot({ path: join(SHOTS, 'consent-screen.png') })

  await page.getByTestId('consent-agree').check()
  await page.getByTestId('consent-enable').click()
  await expect(page.getByTestId('provider-current')).toContainText('127.0.0.1:11434')
  await expect(page.getByTestId('provider-consent')).toBeVisible()

  // Withdrawing makes it unusable again: the next request is refused before anything is sent.
  await page.getByTestId('consent-withdraw').click()
  await page.getByTestId('new-conversation').click()
  await ask(page, 'Show overdue invoices')
  await expect(page.getByTestId('entry-notice').last()).toContainText(/consent/i)
})
