// Edit before approving, as a person would: change the subject of a drafted email, see the new
// card with the change (the old one replaced, saying so), approve, and the edited email is sent once.
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { ask, expect, openApp, signInSample, test } from './fixtures'

test('an email card edited before approval becomes a new card, and exactly the edited email is sent', async ({ page, host }) => {
  await openApp(page, host)
  await signInSample(page, 'frank')
  await ask(page, 'Email Pacific Timberline Co. about their overdue invoice')
  const first = page.locator('[data-testid="approval-card"][data-state="pending"]')
  await expect(first).toHaveCount(1)
  const firstId = await first.getAttribute('data-action-id')

  await first.getByTestId('edit-button').click()
  const subject = first.getByTestId('edit-subject')
  await subject.fill('Invoice reminder from Harbor & Pine')
  await first.getByTestId('edit-save').click()

  await expect(page.locator(`[data-testid="card-replaced"][data-action-id="${firstId}"]`)).toContainText('You edited this card')
  const fresh = page.locator('[data-testid="approval-card"][data-state="pending"]')
  await expect(fresh).toHaveCount(1)
  await expect(fresh.getByTestId('card-detail')).toContainText('Invoice reminder from Harbor & Pine')
  expect(await fresh.getAttribute('data-action-id')).not.toBe(firstId)

  // A control character is refused in words, and nothing changes.
  await fresh.getByTestId('edit-button').click()
  await fresh.getByTestId('edit-subject').fill('Bad \u202Esubject')
  await fresh.getByTestId('edit-save').click()
  await expect(fresh.getByTestId('edit-error')).toContainText('text-direction override')
  await fresh.getByTestId('edit-form').getByRole('button', { name: 'Cancel' }).click()

  await fresh.getByTestId('approve-button').click()
  await expect(page.locator('[data-testid="approval-card"][data-state="succeeded"]')).toHaveCount(1)
  await host.stop()
  const ws = JSON.parse(await readFile(join(host.dataDir, 'sample-workspace', 'workspace.json'), 'utf8'))
  expect(ws.outbox).toHaveLength(1)
  expect(ws.outbox[0].subject).toBe('Invoice reminder from Harbor & Pine')
})
