// The administrator's dials, end to end in Chromium with the sample workspace: Ada (the
// workspace's administrator) denies "Send an email" and limits the assistant to Team East; a
// rep's email card that was already waiting is refused at approval with Ada's reason and nothing
// is sent; the rep cannot loosen the rule; a person outside the team sees the not-available screen.
import { readFile, rename, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { Page } from '@playwright/test'
import { ask, card, expect, openApp, signInSample, test } from './fixtures'

const REASON = 'Customer emails go through the shared mailbox this quarter.'

async function switchTo(page: Page, login: string) {
  await page.getByTestId('nav-settings').click()
  const existing = page.locator(`[data-testid="account-row"][data-account-id="sample:${login}"]`)
  if (await existing.count()) {
    await existing.getByTestId('account-switch').click()
  } else {
    await page.getByTestId('account-add').click()
    await page.getByTestId(`sample-user-${login}`).click()
  }
  await expect(page.locator(`[data-testid="account-row"][data-account-id="sample:${login}"]`)).toContainText('Current')
}

test('the administrator denies email and limits use to one team; a waiting card is refused, the rep cannot loosen it, others see why', async ({ page, host }) => {
  // Finance has let Rita read invoices, so she can draft a payment reminder.
  const file = join(host.dataDir, 'sample-workspace', 'workspace.json')
  const ws = JSON.parse(await readFile(file, 'utf8'))
  ws.users.find((u: { login: string }) => u.login === 'rita').permissions.push('invoice.read')
  await writeFile(`${file}.edit`, JSON.stringify(ws))
  await rename(`${file}.edit`, file)

  await openApp(page, host)
  await signInSample(page, 'rita')
  await ask(page, 'Email Acme Marine Outfitters about their overdue invoice')
  const pending = card(page)
  await expect(pending).toHaveAttribute('data-state', 'pending')
  await expect(pending).toHaveAttribute('aria-label', 'Needs your approval: Send an email')
  const actionId = await pending.getAttribute('data-action-id')

  // Ada, the administrator, is on the sign-in screen and alone sees Administration.
  await expect(page.getByTestId('nav-administration')).toHaveCount(0)
  await switchTo(page, 'ada')
  await page.getByTestId('nav-administration').click()
  await page.getByTestId('admin-rule-send_message').selectOption('deny')
  await page.getByTestId('admin-reason-send_message').fill(REASON)
  await page.getByTestId('admin-access-some').check()
  await page.getByTestId('admin-group-Team East').check()
  await page.getByTestId('admin-save').click()
  await expect(page.getByTestId('admin-saved')).toBeVisible()

  // Back to Rita: her card was shown before the rule; approving it is refused with Ada's reason.
  await switchTo(page, 'rita')
  await page.getByTestId('nav-inbox').click()
  // The inbox shows a compact row per action; it opens to the full card.
  await page.locator(`[data-testid="inbox-item"][data-action-id="${actionId}"]`).getByTestId('inbox-row-toggle').click()
  const waiting = page.locator(`[data-testid="approval-card"][data-action-id="${actionId}"]`)
  await expect(waiting).toHaveAttribute('data-state', 'pending')
  await waiting.getByTestId('approve-button').click()
  await expect(page.locator(`[data-testid="approval-card"][data-action-id="${actionId}"]`).first()).toHaveAttribute('data-state', 'failed')
  await expect(page.locator(`[data-testid="approval-card"][data-action-id="${actionId}"]`).first().getByTestId('card-error')).toContainText(REASON)

  // She cannot loosen the rule in Settings, and sees who set it.
  await page.getByTestId('nav-settings').click()
  await expect(page.getByTestId('confirmation-send_message')).toBeDisabled()
  await expect(page.getByTestId('locked-send_message')).toContainText('Set by your CRM administrator')
  await expect(page.getByTestId('decision-send_message')).toHaveText('Not allowed')

  // Sam is in Team West: the assistant is not available to him, and he is told who decides.
  await switchTo(page, 'sam')
  await page.getByTestId('nav-inbox').click()
  const denied = page.getByTestId('access-denied')
  await expect(denied).toContainText('The assistant is not available to you')
  await expect(denied).toContainText('Your CRM administrator does not allow Sam Whitaker to use the assistant')
  await expect(denied).toContainText('Your CRM administrator decides who may use it')
  await expect(page.getByTestId('new-conversation')).toBeDisabled()

  // Nothing was sent.
  await host.stop()
  const after = JSON.parse(await readFile(file, 'utf8'))
  expect(after.outbox).toEqual([])
  expect(after.effects.filter((e: { key: string }) => e.key === actionId)).toEqual([])
  expect(after.organisationPolicy.updatedBy).toBe('u-ada')
})

test('an IT policy file that does not parse makes everything ask, with a banner naming the file, until it is fixed', async ({ page, host }) => {
  const policy = join(host.dataDir, 'it-policy.json')
  await writeFile(policy, '{ "abilities": { "search_records": { "confirmation": "allow" } }, ')
  await host.restart({ env: { COUNTERSIGN_IT_POLICY: policy } })
  await openApp(page, host)
  await signInSample(page, 'frank')
  const banner = page.getByTestId('policy-problem')
  await expect(banner).toContainText(policy)
  await expect(banner).toContainText('not valid JSON')

  await page.getByTestId('nav-settings').click()
  for (const ability of ['search_records', 'list_overdue_invoices', 'send_message']) {
    await expect(page.getByTestId(`decision-${ability}`)).toHaveText('Asks you first')
    await expect(page.getByTestId(`locked-${ability}`)).toContainText('Set by your IT department')
  }
  await expect(page.getByTestId('policy-source-it')).toHaveAttribute('data-status', 'error')

  // IT fixes the file: the app notices by itself, the banner goes and IT's rule applies.
  await writeFile(policy, JSON.stringify({ abilities: { send_message: { confirmation: 'deny', reason: 'Email is paused.' } } }))
  await expect(banner).toHaveCount(0, { timeout: 20_000 })
  await page.getByTestId('nav-inbox').click()
  await page.getByTestId('nav-settings').click()
  await expect(page.getByTestId('decision-search_records')).toHaveText('Runs without asking')
  await expect(page.getByTestId('decision-send_message')).toHaveText('Not allowed')
  await expect(page.getByTestId('policy-source-it')).toHaveAttribute('data-status', 'active')
})
