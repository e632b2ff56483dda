/// <reference lib="dom" />
// Living in the app all day: every screen checked with axe-core and shot at three widths in
// light and dark; the inbox at scale, paged and virtualised; urgency; the Decided list; the
// keyboard; an unknown outcome explained; notifications in a browser tab; the demo banner; the
// theme; narrow windows.
import type { Page } from '@playwright/test'
import { seedAction, writeLedger } from '../test/support/seed-actions'
import { expectAccessible } from './axe'
import { ask, card, expect, openApp, signInSample, test } from './fixtures'
import { Host } from './host'
import { reviewScreen } from './screens'

const HOUR = 3_600_000

async function seededHost(actions: ReturnType<typeof seedAction>[]): Promise<Host> {
  const host = new Host()
  writeLedger(host.dataDir, actions)
  await host.start()
  return host
}

async function openInbox(page: Page): Promise<void> {
  await page.getByTestId('nav-inbox').click()
  await expect(page.locator('#inbox-title')).toBeVisible()
}

test('every screen: no serious or critical axe findings, shot at 1280, 1920 and 900 px in light and dark', async ({ page }) => {
  test.setTimeout(240_000)
  const now = Date.now()
  const host = await seededHost([
    seedAction({ createdAt: now - 46 * HOUR, expiresAt: now + 2 * HOUR }),
    seedAction({ kind: 'message', createdAt: now - HOUR }),
    seedAction({ state: 'outcome_unknown', createdAt: now - 3 * HOUR }),
    seedAction({ state: 'declined', createdAt: now - 5 * HOUR }),
    seedAction({ state: 'expired', createdAt: now - 50 * HOUR, expiresAt: now - 2 * HOUR })
  ])
  try {
    await openApp(page, host)
    await expect(page.getByTestId('sample-user-maria')).toBeVisible()
    await reviewScreen(page, 'sign-in')
    await signInSample(page, 'maria')
    await reviewScreen(page, 'home')

    await ask(page, 'Move deal Spring dock hardware order to stage negotiation')
    await expect(card(page)).toHaveAttribute('data-state', 'pending')
    await reviewScreen(page, 'conversation-card')

    await openInbox(page)
    await expect(page.getByTestId('inbox-item')).toHaveCount(4)
    await reviewScreen(page, 'inbox')
    await page.getByTestId('inbox-item').filter({ hasText: 'Send an email' }).getByTestId('inbox-row-toggle').click()
    await reviewScreen(page, 'inbox-email-card')
    await page.locator('[data-testid="inbox-item"][data-state="outcome_unknown"]').getByTestId('inbox-row-toggle').click()
    await page.locator('[data-testid="approval-card"][data-state="outcome_unknown"]').scrollIntoViewIfNeeded()
    await reviewScreen(page, 'inbox-outcome-unknown')

    await page.getByTestId('inbox-tab-decided').click()
    await expect(page.getByTestId('inbox-item')).toHaveCount(2)
    await reviewScreen(page, 'inbox-decided')

    await page.getByTestId('nav-settings').click()
    await expect(page.getByTestId('appearance-settings')).toBeVisible()
    await reviewScreen(page, 'settings')

    await page.keyboard.press('Shift+?')
    await expect(page.getByTestId('shortcuts-sheet')).toBeVisible()
    await reviewScreen(page, 'shortcuts')
    await page.keyboard.press('Escape')
    await expect(page.getByTestId('shortcuts-sheet')).toBeHidden()

    // Narrow: the sidebar opened over the content from the rail.
    await page.setViewportSize({ width: 900, height: 860 })
    await page.getByTestId('rail-menu').click()
    await expect(page.getByTestId('sidebar')).toBeVisible()
    await expectAccessible(page, 'sidebar open at 900 px')
    await page.keyboard.press('Escape')
    await expect(page.getByTestId('sidebar')).toBeHidden()
  } finally {
    await host.dispose()
  }
})

test('900 px: the sidebar folds into a rail and nothing overflows or overlaps, Settings included', async ({ page, host }) => {
  await page.setViewportSize({ width: 900, height: 800 })
  await openApp(page, host)
  await signInSample(page, 'maria')
  await expect(page.getByTestId('sidebar')).toBeHidden()
  await expect(page.getByTestId('rail')).toBeVisible()
  for (const view of ['home', 'settings', 'inbox'] as const) {
    if (view === 'settings') await page.getByRole('button', { name: 'Settings' }).first().click()
    if (view === 'inbox') await page.getByTestId('rail-inbox').click()
    const overflow = await page.evaluate(() => {
      const wide = Array.from(document.querySelectorAll<HTMLElement>('.settings__section, .view-header, .composer, .inbox__list, .banner')).filter(
        (el) => el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).overflowX !== 'auto'
      )
      return { page: document.documentElement.scrollWidth > window.innerWidth, boxes: wide.map((el) => el.className) }
    })
    expect(overflow, view).toEqual({ page: false, boxes: [] })
  }
  // The rail and the main view do not overlap.
  const rail = (await page.getByTestId('rail').boundingBox())!
  const main = (await page.locator('#main').boundingBox())!
  expect(main.x).toBeGreaterThanOrEqual(rail.x + rail.width - 1)
})

test('inbox at scale: 1,000 waiting arrive a page at a time, by time left, urgent ones marked; decided ones stay findable', async ({ page }) => {
  const now = Date.now()
  const actions = Array.from({ length: 1000 }, (_, i) =>
    seedAction({ createdAt: now - (i % 40) * HOUR, expiresAt: now + (1 + ((i * 37) % 47)) * HOUR - 60_000 })
  )
  actions.push(seedAction({ state: 'expired', createdAt: now - 60 * HOUR, expiresAt: now - 12 * HOUR }))
  actions.push(seedAction({ state: 'declined', createdAt: now - 2 * HOUR }))
  // Someone else's waiting action in the same data folder: never shown, never counted.
  actions.push(seedAction({ userId: 'u-sam', userName: 'Sam Whitaker' }))
  const host = await seededHost(actions)
  try {
    const pages: number[] = []
    page.on('websocket', (ws) =>
      ws.on('framereceived', (frame) => {
        const text = typeof frame.payload === 'string' ? frame.payload : frame.payload.toString()
        if (text.includes('"nextCursor"')) pages.push((JSON.parse(text).envelope.value.items as unknown[]).length)
      })
    )
    await openApp(page, host)
    await signInSample(page, 'maria')
    await expect(page.getByTestId('inbox-count')).toHaveText('1000')
    await openInbox(page)
    await expect(page.getByTestId('inbox-total')).toHaveText('1,000 actions waiting')
    const first = page.getByTestId('inbox-item').first()
    await expect(first).toHaveAttribute('data-urgent', 'true')
    await expect(first.getByTestId('inbox-row-time')).toContainText('Less than 3 h left')
    // Virtualised: a screenful of rows in the page, not a thousand.
    expect(await page.getByTestId('inbox-item').count()).toBeLessThan(60)
    // Scrolling to the end pulls further pages, never everything at once.
    for (let i = 0; i < 4; i++) {
      await page.getByTestId('inbox-scroll').evaluate((el) => el.scrollTo(0, el.scrollHeight))
      await page.waitForTimeout(150)
    }
    expect(pages.length).toBeGreaterThanOrEqual(3)
    expect(Math.max(...pages)).toBeLessThanOrEqual(50)
    const times = await page.getByTestId('inbox-item').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-action-id')))
    expect(new Set(times).size).toBe(times.length)

    // A decline from the inbox: the row stays, says so, and focus does not fall to the page.
    await page.getByTestId('inbox-scroll').evaluate((el) => el.scrollTo(0, 0))
    const row = page.getByTestId('inbox-item').first()
    await row.getByTestId('inbox-row-toggle').click()
    await row.getByTestId('decline-button').click()
    await row.getByTestId('decline-confirm').click()
    await expect(row).toHaveAttribute('data-state', 'declined')
    expect(await page.evaluate(() => document.activeElement?.tagName)).not.toBe('BODY')
    await expect(page.getByTestId('inbox-count')).toHaveText('999')

    await page.getByTestId('inbox-tab-decided').click()
    await expect(page.getByTestId('inbox-total')).toHaveText('3 decided')
    await page.getByTestId('inbox-filter').selectOption('expired')
    await expect(page.getByTestId('inbox-item')).toHaveCount(1)
    await expect(page.getByTestId('inbox-item').first()).toHaveAttribute('data-state', 'expired')
    await page.getByTestId('inbox-filter').selectOption('declined')
    await expect(page.getByTestId('inbox-item')).toHaveCount(2)
  } finally {
    await host.dispose()
  }
})

test('keyboard: skip link, shortcuts, A and D on the focused card, Esc closes, arrows move, focus never falls to the page', async ({ page, host }) => {
  await openApp(page, host)
  await signInSample(page, 'maria')
  // The skip link comes first in the tab order: just before the sidebar's first control.
  await page.getByTestId('new-conversation').focus()
  await page.keyboard.press('Shift+Tab')
  await expect(page.getByTestId('skip-link')).toBeFocused()
  await expect(page.getByTestId('skip-link')).toBeInViewport()
  await page.keyboard.press('Enter')
  await expect(page.locator('#main')).toBeFocused()

  await ask(page, 'Set the amount of deal Kayak rack fixtures to 25000')
  const first = card(page)
  await expect(first).toHaveAttribute('data-state', 'pending')
  await first.getByTestId('decline-button').focus()
  await page.keyboard.press('d')
  await expect(first.getByTestId('decline-reason')).toBeFocused()
  await page.keyboard.type('a wrong amount')
  await expect(first).toHaveAttribute('data-state', 'pending')
  await page.keyboard.press('Escape')
  await expect(first.getByTestId('decline-reason')).toHaveCount(0)
  await expect(first.getByTestId('decline-button')).toBeFocused()
  await page.keyboard.press('d')
  await first.getByTestId('decline-confirm').click()
  await expect(first).toHaveAttribute('data-state', 'declined')
  await expect(first.getByTestId('card-status')).toBeFocused()

  await page.keyboard.press('Control+Shift+O')
  await expect(page.getByTestId('composer-input')).toBeFocused()
  await ask(page, 'Move deal Spring dock hardware order to stage negotiation')
  const second = card(page)
  await expect(second).toHaveAttribute('data-state', 'pending')
  await second.getByTestId('approve-button').focus()
  await page.keyboard.press('a')
  await expect(second).toHaveAttribute('data-state', 'succeeded')
  expect(await page.evaluate(() => document.activeElement?.tagName)).not.toBe('BODY')

  await page.keyboard.press('Control+Shift+E')
  await expect(page.locator('#inbox-title')).toBeVisible()
  await page.keyboard.press('Control+,')
  await expect(page.getByTestId('appearance-settings')).toBeVisible()
  await page.keyboard.press('Control+K')
  await expect(page.getByTestId('conversation-search')).toBeFocused()
  await page.keyboard.press('ArrowDown')
  await expect(page.getByTestId('conversation-item').first()).toBeFocused()
  await page.keyboard.press('ArrowDown')
  await expect(page.getByTestId('conversation-item').nth(1)).toBeFocused()
  await page.keyboard.press('Control+/')
  await expect(page.getByTestId('shortcuts-sheet')).toBeVisible()
  await expect(page.getByTestId('shortcuts-sheet')).toContainText('Ctrl+Shift+O')
  await page.keyboard.press('Escape')
  await expect(page.getByTestId('shortcuts-sheet')).toBeHidden()
})

test('an unknown outcome is explained in plain words; Mark as done asks first and runs nothing', async ({ page }) => {
  const host = await seededHost([seedAction({ state: 'outcome_unknown' })])
  try {
    await openApp(page, host)
    await signInSample(page, 'maria')
    await openInbox(page)
    await page.getByTestId('inbox-row-toggle').click()
    const unknown = card(page)
    await expect(unknown.getByTestId('outcome-explain')).toContainText('could not tell us whether the change went through')
    for (const id of ['settle-mark-done', 'settle-run-again']) await expect(unknown.getByTestId(id)).not.toHaveClass(/button--primary/)
    await unknown.getByTestId('settle-mark-done').click()
    await expect(unknown.getByTestId('settle-confirm-box')).toBeVisible()
    await expect(unknown).toHaveAttribute('data-state', 'outcome_unknown')
    await unknown.getByTestId('settle-mark-done-confirm').click()
    await expect(unknown).toHaveAttribute('data-state', 'succeeded')
    await expect(unknown.getByTestId('card-status')).toBeFocused()
  } finally {
    await host.dispose()
  }
})

test('in a browser tab: the title counts what waits, and a hidden tab gets a Web Notification once allowed', async ({ page, host, context }) => {
  await context.grantPermissions(['notifications'], { origin: new URL(host.info!.url).origin })
  await page.addInitScript(() => {
    const w = window as unknown as { __hidden: boolean; __notes: string[] }
    w.__hidden = false
    w.__notes = []
    Object.defineProperty(document, 'hidden', { get: () => w.__hidden })
    const Real = window.Notification
    class Recording {
      static get permission() {
        return Real.permission
      }
      static requestPermission = Real.requestPermission.bind(Real)
      onclick: unknown = null
      constructor(title: string, options?: { body?: string }) {
        w.__notes.push(`${title}: ${options?.body ?? ''}`)
      }
      close() {}
    }
    ;(window as unknown as { Notification: unknown }).Notification = Recording
  })
  await openApp(page, host)
  await signInSample(page, 'maria')
  await page.getByTestId('nav-settings').click()
  await expect(page.getByTestId('notifications-on')).toBeVisible()
  await page.getByTestId('new-conversation').click()
  await page.evaluate(() => ((window as unknown as { __hidden: boolean }).__hidden = true))
  await ask(page, 'Move deal Spring dock hardware order to stage negotiation')
  await expect(card(page)).toHaveAttribute('data-state', 'pending')
  await expect(page).toHaveTitle('(1) Countersign')
  const notes = await page.evaluate(() => (window as unknown as { __notes: string[] }).__notes)
  expect(notes).toHaveLength(1)
  expect(notes[0]).toMatch(/waiting for your approval: .*Spring dock hardware order/)
  await card(page).getByTestId('approve-button').click()
  await expect(page).toHaveTitle('Countersign')
})

test('the demo banner: examples fill the composer; hiding it and the dark theme are remembered', async ({ page, host }) => {
  await openApp(page, host)
  await signInSample(page, 'frank')
  await page.getByTestId('demo-example').first().click()
  await expect(page.getByTestId('composer-input')).toHaveValue('Show overdue invoices')
  await expect(page.getByTestId('composer-input')).toBeFocused()
  await page.getByTestId('demo-banner-hide').click()
  await page.getByTestId('nav-settings').click()
  await page.getByTestId('theme-dark').check()
  const background = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor)
  expect(await background()).toBe('rgb(20, 23, 28)')
  await page.reload()
  await expect(page.getByTestId('composer-input')).toBeVisible()
  await expect(page.getByTestId('demo-banner')).toHaveCount(0)
  expect(await background()).toBe('rgb(20, 23, 28)')
})

test('several at once: select, one review screen listing each in full, a second confirmation above ten', async ({ page }) => {
  const now = Date.now()
  const host = await seededHost(Array.from({ length: 12 }, (_, i) => seedAction({ createdAt: now - i * 60_000 })))
  try {
    await openApp(page, host)
    await signInSample(page, 'maria')
    await openInbox(page)
    const boxes = page.getByTestId('inbox-row-select')
    await expect(boxes).toHaveCount(12)
    for (let i = 0; i < 12; i++) await boxes.nth(i).check()
    await expect(page.getByTestId('selection-bar')).toContainText('12 selected')
    await page.getByTestId('bulk-decline').click()
    const review = page.getByTestId('bulk-review')
    await expect(review.locator('.bulk-list__item')).toHaveCount(12)
    await expectAccessible(page, 'bulk review')
    await expect(page.getByTestId('bulk-confirm')).toBeDisabled()
    await page.getByTestId('bulk-guard').check()
    await page.getByTestId('bulk-confirm').click()
    await expect(page.getByTestId('bulk-result')).toContainText('Declined: 12 of 12')
    await review.getByRole('button', { name: 'Close' }).click()
    await expect(page.getByTestId('inbox-count')).toHaveText(/^0?$/)
    await expect(page.locator('[data-testid="inbox-item"][data-state="declined"]')).toHaveCount(12)
  } finally {
    await host.dispose()
  }
})
