// Playwright fixtures: a fresh headless host per test, and helpers that act as a user would.
import { test as base, expect, type Page } from '@playwright/test'
import type { ProviderKind } from '../src/shared/domain'
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

/** In Settings, fills in a provider and asks to use it: the consent screen comes next. */
export async function chooseProvider(
  page: Page,
  choice: { kind: ProviderKind; label?: string; model?: string; baseURL?: string; apiKey?: string }
): Promise<void> {
  await page.getByTestId('nav-settings').click()
  await page.getByTestId('provider-kind').selectOption(choice.kind)
  if (choice.label !== undefined) await page.getByTestId('provider-label').fill(choice.label)
  if (choice.model !== undefined) await page.getByTestId('provider-model').fill(choice.model)
  if (choice.baseURL !== undefined) await page.getByTestId('provider-baseurl').fill(choice.baseURL)
  if (choice.apiKey !== undefined) await page.getByTestId('provider-apikey').fill(choice.apiKey)
  await page.getByTestId('provider-continue').click()
}

export function card(page: Page) {
  return page.getByTestId('approval-card').last()
}
