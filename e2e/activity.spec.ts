// The Activity screen as a person meets it: the real renderer in Chromium against the real core in
// the headless host, with the offline demo assistant. A session of reads, an approved email, a
// declined update and an expired action, each with its outcome, records, tokens and cost; filters
// and export; and one edited byte of the audit log reported at its entry.
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { Page } from '@playwright/test'
import type { ActivityItem } from '../src/shared/activity'
import { ask, card, expect, openApp, signInSample, test } from './fixtures'

const IN_PRICE = 1000
const OUT_PRICE = 5000

async function setDemoPrice(page: Page) {
  await page.getByTestId('nav-settings').click()
  await page.getByTestId('price-kind').selectOption('demo')
  await page.getByTestId('price-model').fill('countersign-demo-v1')
  await page.getByTestId('price-input').fill(String(IN_PRICE))
  await page.getByTestId('price-output').fill(String(OUT_PRICE))
  await page.getByTestId('price-save').click()
  await expect(page.getByTestId('price-row').filter({ hasText: 'countersign-demo-v1' })).toContainText('Yours')
}

async function newConversation(page: Page, text: string) {
  const before = await page.getByTestId('conversation-item').count()
  await page.getByTestId('new-conversation').click()
  // The new conversation is open (its composer replaced the previous one) before typing.
  await expect(page.getByTestId('conversation-item')).toHaveCount(before + 1)
  await expect(page.getByTestId('conversation-item').first()).toHaveAttribute('aria-current', 'page')
  await expect(page.getByTestId('entry-user')).toHaveCount(0)
  await ask(page, text)
}

function item(page: Page, question: RegExp) {
  return page.getByTestId('activity-item').filter({ has: page.getByTestId('activity-question').filter({ hasText: question }) })
}

async function session(page: Page) {
  await newConversation(page, 'Show overdue invoices')
  await expect(page.getByTestId('entry-assistant').last()).toContainText('INV-')
  await newConversation(page, 'Email Acme Marine Outfitters about their overdue invoice')
  await expect(card(page)).toHaveAttribute('data-state', 'pending')
  await card(page).getByTestId('approve-button').click()
  await expect(card(page)).toHaveAttribute('data-state', 'succeeded')
  await newConversation(page, 'Set the amount of the deal Kayak rack fixtures to 25,000')
  await expect(card(page)).toHaveAttribute('data-state', 'pending')
  await card(page).getByTestId('decline-button').click()
  await card(page).getByTestId('decline-reason').fill('Wait for the signed quote')
  await card(page).getByTestId('decline-confirm').click()
  await expect(card(page)).toHaveAttribute('data-state', 'declined')
  await newConversation(page, 'Move the deal Spring dock hardware order to negotiation')
  await expect(card(page)).toHaveAttribute('data-state', 'pending')
}

test('reads, an approved email, a declined update and an expired action appear with outcome, records, tokens and cost; filters and export work', async ({ page, host }) => {
  await openApp(page, host)
  await signInSample(page, 'maria')
  await setDemoPrice(page)
  await session(page)

  // Two days later the last card has expired.
  const info = await host.restart({ clockOffsetMs: 49 * 3_600_000 })
  await page.goto(info.url)
  await page.getByTestId('nav-activity').click()
  await expect(page.getByTestId('activity-chain')).toHaveAttribute('data-state', 'ok')
  const items = page.getByTestId('activity-item')
  await expect(items).toHaveCount(4)
  await expect(items.first().getByTestId('activity-question')).toContainText('Spring dock hardware order')

  const reads = item(page, /Show overdue invoices/)
  await expect(reads.getByTestId('activity-read')).toHaveAttribute('data-ability', 'list_overdue_invoices')
  await expect(reads.getByTestId('activity-record').filter({ hasText: 'Acme Marine Outfitters' })).toHaveCount(1)
  await expect(reads.getByTestId('activity-answer')).toContainText('INV-')

  const email = item(page, /^Asked: Email Acme/)
  await expect(email.getByTestId('activity-write')).toHaveAttribute('data-outcome', 'succeeded')
  await expect(email.getByTestId('activity-write')).toContainText('approved by Maria Chen')
  await expect(email.getByTestId('activity-write').getByTestId('activity-record')).toContainText('Acme Marine Outfitters')

  const declined = item(page, /Kayak rack fixtures/)
  await expect(declined.getByTestId('activity-write')).toHaveAttribute('data-outcome', 'declined')
  await expect(declined.getByTestId('activity-decline-reason')).toContainText('Wait for the signed quote')
  await expect(declined.getByTestId('activity-write')).toContainText('declined by Maria Chen')

  const expired = item(page, /Spring dock hardware order/)
  await expect(expired.getByTestId('activity-write')).toHaveAttribute('data-outcome', 'expired')

  // Tokens as the provider reported them, and cost at the price set, on every request.
  let total = 0
  for (const one of await items.all()) {
    const tokens = one.getByTestId('activity-tokens')
    const input = Number(await tokens.getAttribute('data-input'))
    const output = Number(await tokens.getAttribute('data-output'))
    expect(input).toBeGreaterThan(0)
    expect(output).toBeGreaterThan(0)
    await expect(tokens).toHaveText(`${input.toLocaleString('en-US')} in · ${output.toLocaleString('en-US')} out`)
    const usd = Number(await one.getByTestId('activity-cost').getAttribute('data-usd'))
    expect(usd).toBeCloseTo((input * IN_PRICE + output * OUT_PRICE) / 1_000_000, 9)
    await expect(one.getByTestId('activity-cost')).toHaveText(usd < 1 ? `$${usd.toFixed(4)}` : `$${usd.toFixed(2)}`)
    total += usd
  }
  await expect(page.getByTestId('activity-totals')).toHaveAttribute('data-requests', '4')
  expect(Number(await page.getByTestId('activity-totals').getAttribute('data-usd'))).toBeCloseTo(total, 9)

  // Filters: by outcome, by ability, by text, by record.
  await page.getByTestId('activity-filter-outcome').selectOption('declined')
  await expect(items).toHaveCount(1)
  await expect(items.first()).toContainText('Kayak rack fixtures')
  await page.getByTestId('activity-filter-outcome').selectOption('')
  await expect(items).toHaveCount(4)
  await page.getByTestId('activity-filter-ability').selectOption('send_message')
  await expect(items).toHaveCount(1)
  await page.getByTestId('activity-filter-ability').selectOption('')
  await page.getByTestId('activity-search').fill('signed quote')
  await page.getByTestId('activity-search').press('Enter')
  await expect(items).toHaveCount(1)
  await page.getByTestId('activity-search').fill('')
  await page.getByTestId('activity-search').press('Enter')
  await expect(items).toHaveCount(4)
  // Everything the assistant did to the invoice the email was about: the read that returned it and the email.
  await email.getByTestId('activity-write').getByTestId('activity-record').click()
  await expect(page.getByTestId('activity-filter-chip')).toContainText('Everything the assistant did to')
  await expect(items).toHaveCount(2)
  await page.getByTestId('activity-filter-chip').getByRole('button').click()
  await expect(items).toHaveCount(4)
  // A date range that ends before anything happened shows nothing.
  await page.getByTestId('activity-filter-to').fill('2020-01-01')
  await expect(page.getByTestId('activity-empty')).toBeVisible()
  await page.getByTestId('activity-filter-to').fill('')
  await expect(items).toHaveCount(4)

  // Export what is on screen: CSV and JSON Lines.
  await page.getByTestId('activity-filter-outcome').selectOption('declined')
  await expect(items).toHaveCount(1)
  const [csv] = await Promise.all([page.waitForEvent('download'), page.getByTestId('activity-export-csv').click()])
  expect(csv.suggestedFilename()).toMatch(/^countersign-activity-.*\.csv$/)
  const csvText = await readFile((await csv.path())!, 'utf8')
  expect(csvText).toContain('Wait for the signed quote')
  expect(csvText).not.toContain('Spring dock hardware order')
  await page.getByTestId('activity-filter-outcome').selectOption('')
  await expect(items).toHaveCount(4)
  const [jsonl] = await Promise.all([page.waitForEvent('download'), page.getByTestId('activity-export-jsonl').click()])
  const lines = (await readFile((await jsonl.path())!, 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as ActivityItem)
  expect(lines.map((l) => l.writes[0]?.outcome ?? 'read')).toEqual(['expired', 'declined', 'succeeded', 'read'])

  // Links: the entry opens its conversation's card.
  await email.getByTestId('activity-open-card').click()
  await expect(card(page)).toHaveAttribute('data-state', 'succeeded')
})

test('editing one byte of the audit log makes the Activity screen report the break at that entry', async ({ page, host }) => {
  await openApp(page, host)
  await signInSample(page, 'maria')
  await newConversation(page, 'Set the amount of the deal Kayak rack fixtures to 25,000')
  await card(page).getByTestId('decline-button').click()
  await card(page).getByTestId('decline-reason').fill('Wait for the signed quote')
  await card(page).getByTestId('decline-confirm').click()
  await expect(card(page)).toHaveAttribute('data-state', 'declined')
  await page.getByTestId('nav-activity').click()
  await expect(page.getByTestId('activity-chain')).toHaveAttribute('data-state', 'ok')

  await host.stop()
  const file = join(host.dataDir, 'audit', 'audit.jsonl')
  const bytes = await readFile(file)
  const text = bytes.toString('utf8')
  const at = text.indexOf('Wait for the signed quote')
  const line = text.slice(0, at).split('\n').length
  bytes[at] = 'V'.charCodeAt(0) // one byte: "Wait" becomes "Vait"
  await writeFile(file, bytes)

  const info = await host.start()
  await page.goto(info.url)
  await page.getByTestId('nav-activity').click()
  const chain = page.getByTestId('activity-chain')
  await expect(chain).toHaveAttribute('data-state', 'broken')
  await expect(chain).toHaveAttribute('data-line', String(line))
  await expect(chain).toContainText(`line ${line}`)
  await expect(chain).toContainText('altered')
})
