// The sample workspace as two different people: each sees only what their role allows, and a
// deal update shows its current and proposed values before it is applied.
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { ask, card, expect, openApp, signInSample, test } from './fixtures'

test('the sales rep is told she may not see invoices; finance sees them', async ({ page, host }) => {
  await openApp(page, host)
  await signInSample(page, 'rita')
  await ask(page, 'Show overdue invoices')
  await expect(page.getByTestId('entry-tool').first()).toHaveAttribute('data-status', 'error')
  const refusal = page.getByTestId('entry-assistant').last()
  await expect(refusal).toContainText(/permission/i)
  await expect(refusal).toContainText(/may not read invoices/i)
  await expect(refusal).not.toContainText('INV-')

  // Switch to Frank (finance) from the account menu: a new session with his own permissions.
  await page.getByTestId('nav-settings').click()
  await page.getByTestId('account-add').click()
  await page.getByTestId('sample-user-frank').click()
  await expect(page.getByTestId('account-signout').first()).toBeVisible()
  await page.getByTestId('new-conversation').click()
  await ask(page, 'Show overdue invoices')
  await expect(page.getByTestId('entry-tool').first()).toHaveAttribute('data-status', 'done')
  const list = page.getByTestId('entry-assistant').last()
  await expect(list).toContainText('INV-')
  await expect(list.locator('table')).toBeVisible()
})

test('a deal update shows old and new values on its card and is applied after approval', async ({ page, host }) => {
  await openApp(page, host)
  await signInSample(page, 'rita')
  await ask(page, 'Move deal Teak decking supply contract to stage proposal')
  const pending = card(page)
  await expect(pending).toHaveAttribute('data-state', 'pending')
  const detail = pending.getByTestId('card-detail')
  await expect(detail).toContainText('Stage')
  await expect(detail).toContainText('negotiation')
  await expect(detail).toContainText('proposal')
  await pending.getByTestId('approve-button').click()
  await expect(pending).toHaveAttribute('data-state', 'succeeded')

  await host.stop()
  const ws = JSON.parse(await readFile(join(host.dataDir, 'sample-workspace', 'workspace.json'), 'utf8'))
  const deal = ws.records.deal.find((d: { fields: { name: string } }) => d.fields.name === 'Teak decking supply contract')
  expect(deal.fields.stage).toBe('proposal')
})
