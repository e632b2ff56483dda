// Playwright fixtures: a fresh headless host per test, and helpers that act as a user would.
import { test as base, expect, type Page } from '@playwright/test'
import { Host } from './host'

export const test = base.extend<{ host: Host }>({
  host: async ({}, use) => {
    const host = new Host()
    await host.start()
    await use(host)
    await host.dispose()
  }
})
export { expect }

export async function openApp(page: Page, host: Host): Promise<void> {
  await page.goto(host.info!.url)
}

export async function signInSample(page: Page, login: string): Promise<void> {
  await page.getByTestId(`sample-user-${login}`).click()
  await expect(page.getByTestId('composer-input')).toBeVisible()
}

export async function ask(page: Page, text: string): Promise<void> {
  await page.getByTestId('composer-input').fill(text)
  await page.getByTestId('composer-send').click()
}

export function card(page: Page) {
  return page.getByTestId('approval-card').last()
}
