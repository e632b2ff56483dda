// The sample workspace as two different people: each sees only what their role allows, and a
// deal update shows its current and proposed values before it is applied.
import { readFile, rename, writeFile } from 'node:fs/promises'
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

test('a deal edited by someone else after the card was shown: the approval is void and a fresh card shows the new values', async ({ page, host }) => {
  await openApp(page, host)
  await signInSample(page, 'maria')
  await ask(page, 'Set the amount of deal Kayak rack fixtures to 25000')
  const first = card(page)
  await expect(first).toHaveAttribute('data-state', 'pending')
  await expect(first.getByTestId('card-detail')).toContainText('22,400')

  // Sam edits the deal in the CRM meanwhile (another process replaces the workspace file).
  const file = join(host.dataDir, 'sample-workspace', 'workspace.json')
  const ws = JSON.parse(await readFile(file, 'utf8'))
  const deal = ws.records.deal.find((d: { fields: { name: string } }) => d.fields.name === 'Kayak rack fixtures')
  deal.fields.amount = 23100
  deal.revision += 1
  await writeFile(`${file}.edit`, JSON.stringify(ws))
  await rename(`${file}.edit`, file)

  const oldId = await first.getAttribute('data-action-id')
  await first.getByTestId('approve-button').click()
  // The old card becomes a note saying what changed, and the fresh card takes its place below it.
  const replaced = page.locator(`[data-testid="card-replaced"][data-action-id="${oldId}"]`)
  await expect(replaced).toContainText('Amount is now 23,100')
  await expect(replaced).toContainText('it was 22,400 on the card you saw')
  const fresh = page.locator('[data-testid="approval-card"][data-state="pending"]')
  expect(await page.locator('[data-testid="card-replaced"], [data-testid="approval-card"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-testid')))).toEqual(['card-replaced', 'approval-card'])
  await expect(fresh.getByTestId('card-detail')).toContainText('23,100')
  await expect(fresh.getByTestId('card-detail')).toContainText('25,000')

  await fresh.getByTestId('approve-button').click()
  await expect(page.locator('[data-testid="approval-card"][data-state="succeeded"]')).toHaveCount(1)
  await host.stop()
  const after = JSON.parse(await readFile(file, 'utf8'))
  expect(after.records.deal.find((d: { fields: { name: string } }) => d.fields.name === 'Kayak rack fixtures').fields.amount).toBe(25000)
  expect(after.effects).toHaveLength(1)
})
