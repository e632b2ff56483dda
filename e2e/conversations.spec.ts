// A person's conversations as they live with them: rename, search by what was said, delete
// (refused while a card waits), and "Ask again" on a card that expired.
import { ask, card, expect, openApp, signInSample, test } from './fixtures'

test('rename, search by content, and delete that waits for the card to be decided', async ({ page, host }) => {
  await openApp(page, host)
  await signInSample(page, 'maria')
  await ask(page, 'Find the contact named Dana Whitfield')
  await expect(page.getByTestId('entry-assistant').last()).toContainText('Dana Whitfield')

  await page.getByTestId('conversation-rename').click()
  await page.getByTestId('conversation-name').fill('Dana follow-up')
  await page.getByTestId('conversation-rename-save').click()
  await expect(page.locator('.view-header__title')).toHaveText('Dana follow-up')
  await expect(page.getByTestId('conversation-item').first()).toContainText('Dana follow-up')

  // A second conversation with a card waiting.
  await page.getByTestId('new-conversation').click()
  await expect(page.locator('.view-header__title')).toHaveText('New conversation') // its own composer now
  await ask(page, 'Move deal Spring dock hardware order to stage negotiation')
  await expect(card(page)).toHaveAttribute('data-state', 'pending')

  // Search finds words said inside a conversation, not only titles.
  await page.getByTestId('conversation-search').fill('whitfield')
  await expect(page.getByTestId('conversation-item')).toHaveCount(1)
  await expect(page.getByTestId('conversation-item')).toContainText('Dana follow-up')
  await page.getByTestId('conversation-search').fill('')

  // Deleting the one with a waiting card is refused, in words; deciding it first makes it possible.
  await page.getByTestId('conversation-delete').click()
  await page.getByTestId('conversation-delete-confirm').click()
  await expect(page.getByTestId('conversation-delete-error')).toContainText('still waiting or running')
  await page.getByRole('button', { name: 'Keep it' }).click()
  await card(page).getByTestId('decline-button').click()
  await card(page).getByTestId('decline-confirm').click()
  await expect(card(page)).toHaveAttribute('data-state', 'declined')
  await page.getByTestId('conversation-delete').click()
  await page.getByTestId('conversation-delete-confirm').click()
  await expect(page.getByTestId('conversation-item')).toHaveCount(1)
  await expect(page.getByTestId('conversation-item')).toContainText('Dana follow-up')
})

test('a card that expired can be asked again: a new card, and approving it runs once', async ({ page, host }) => {
  await openApp(page, host)
  await signInSample(page, 'maria')
  await ask(page, 'Move deal Spring dock hardware order to stage negotiation')
  await expect(card(page)).toHaveAttribute('data-state', 'pending')
  const first = await card(page).getAttribute('data-action-id')

  // Two days and an hour later (the host's clock is injected).
  const info = await host.restart({ clockOffsetMs: 49 * 3_600_000 })
  await page.goto(info.url)
  await page.getByTestId('conversation-item').first().click()
  const expired = page.locator(`[data-testid="approval-card"][data-action-id="${first}"]`)
  await expect(expired).toHaveAttribute('data-state', 'expired')
  await expired.getByTestId('ask-again').click()

  const fresh = page.locator('[data-testid="approval-card"][data-state="pending"]')
  await expect(fresh).toHaveCount(1)
  expect(await fresh.getAttribute('data-action-id')).not.toBe(first)
  await fresh.getByTestId('approve-button').click()
  await expect(page.locator('[data-testid="approval-card"][data-state="succeeded"]')).toHaveCount(1)
})
