// Screenshots for review: every screen at 1280, 1920 and 900 px wide, light and dark, with
// axe-core run on each. They go to test-results/screenshots/review (never committed by a test run).
import { mkdirSync } from 'node:fs'
import { join, resolve } from 'node:path'
import type { Page } from '@playwright/test'
import { expectAccessible } from './axe'

export const REVIEW_DIR = resolve(import.meta.dirname, '../test-results/screenshots/review')
export const WIDTHS = [1280, 1920, 900] as const
export const THEMES = ['light', 'dark'] as const

/** Shoots `name` at every width and theme (the theme follows the system: "Same as my system"). */
export async function reviewScreen(page: Page, name: string, options: { axe?: boolean } = {}): Promise<void> {
  mkdirSync(REVIEW_DIR, { recursive: true })
  const original = page.viewportSize() ?? { width: 1280, height: 860 }
  for (const theme of THEMES) {
    await page.emulateMedia({ colorScheme: theme })
    for (const width of WIDTHS) {
      await page.setViewportSize({ width, height: width === 1920 ? 1080 : 860 })
      await page.waitForTimeout(60)
      await page.screenshot({ path: join(REVIEW_DIR, `${name}-${width}-${theme}.png`) })
      if (options.axe !== false && width !== 1920) await expectAccessible(page, `${name} at ${width} px, ${theme}`)
    }
  }
  await page.emulateMedia({ colorScheme: 'light' })
  await page.setViewportSize(original)
}
