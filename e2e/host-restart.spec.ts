// A tab left open while the headless host stops and starts again: the real renderer in Chromium,
// the real host process. Back on the same port with the same token, the tab reconnects by itself;
// back with a new token, it says plainly what to open. A message typed meanwhile never hangs.
import { randomBytes } from 'node:crypto'
import { Host } from './host'
import { ask, expect, signInSample, test } from './fixtures'

const NOT_SENT = 'Not sent: Countersign is not connected right now.'

test('back on the same port with the same token: the open tab reconnects, and a message typed while it was down fails plainly', async ({ page }) => {
  const token = randomBytes(24).toString('base64url')
  const host = new Host()
  try {
    const info = await host.start({ env: { COUNTERSIGN_TOKEN: token } })
    await page.goto(info.url)
    await signInSample(page, 'frank')
    await ask(page, 'Show overdue invoices')
    await expect(page.getByTestId('entry-assistant').last()).toContainText('INV-')

    await host.stop()
    const banner = page.getByTestId('disconnected-banner')
    await expect(banner).toHaveText('Disconnected from Countersign — reconnecting…')

    await ask(page, 'Find the account Bluewater Boatworks')
    await expect(page.getByTestId('composer-error')).toContainText(NOT_SENT)
    await expect(page.getByTestId('composer-send')).toHaveText('Send')
    await expect(page.getByTestId('composer-input')).toHaveValue('Find the account Bluewater Boatworks')

    await host.start({ env: { COUNTERSIGN_TOKEN: token, COUNTERSIGN_PORT: String(info.port) } })
    await expect(banner).toHaveCount(0, { timeout: 15_000 })
    // Still signed in, same conversation, and the kept text now goes through.
    await expect(page.getByTestId('entry-assistant').first()).toContainText('INV-')
    await page.getByTestId('composer-send').click()
    await expect(page.getByTestId('composer-error')).toHaveCount(0)
    await expect(page.getByTestId('entry-assistant').last()).toContainText('Bluewater Boatworks')
  } finally {
    await host.dispose()
  }
})

test('back with a new token: the open tab says to open the new address, and that address works', async ({ page }) => {
  const host = new Host()
  try {
    const info = await host.start()
    await page.goto(info.url)
    await signInSample(page, 'maria')

    await host.stop()
    await expect(page.getByTestId('disconnected-banner')).toBeVisible()
    const again = await host.start({ env: { COUNTERSIGN_PORT: String(info.port) } })
    expect(again.token).not.toBe(info.token)

    const banner = page.getByTestId('disconnected-banner')
    await expect(banner).toHaveAttribute('data-status', 'refused', { timeout: 15_000 })
    await expect(banner).toHaveText('Countersign was restarted, so this page no longer works. Open the address it printed when it started.')
    await ask(page, 'Show deals for Acme Marine Outfitters')
    await expect(page.getByTestId('composer-error')).toContainText('Open the address it printed when it started.')
    await expect(page.getByTestId('composer-send')).toHaveText('Send')

    await page.goto(again.url)
    await expect(page.getByTestId('current-user')).toContainText('Maria')
    await expect(page.getByTestId('disconnected-banner')).toHaveCount(0)
  } finally {
    await host.dispose()
  }
})
