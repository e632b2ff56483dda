// The approval core as a user meets it: the real renderer in Chromium against the real core in
// the headless host, each test from a fresh data folder, with the offline demo assistant.
import { HostClient } from '../test/support/ws-client'
import { Host } from './host'
import { ask, card, expect, openApp, signInSample, test } from './fixtures'

test('a read runs straight away, with no approval card', async ({ page, host }) => {
  await openApp(page, host)
  await signInSample(page, 'frank')
  await ask(page, 'Show overdue invoices')
  const tool = page.getByTestId('entry-tool').first()
  await expect(tool).toHaveAttribute('data-ability', 'list_overdue_invoices')
  await expect(tool).toHaveAttribute('data-status', 'done')
  await expect(page.getByTestId('entry-assistant').last()).toContainText('INV-')
  await expect(page.getByTestId('approval-card')).toHaveCount(0)
})

test('a write waits on its card through a reload and a restart, then runs once when approved', async ({ page, host }) => {
  await openApp(page, host)
  await signInSample(page, 'maria')
  await ask(page, 'Move deal Spring dock hardware order to stage negotiation')

  const pending = card(page)
  await expect(pending).toHaveAttribute('data-state', 'pending')
  await expect(pending.getByTestId('card-detail')).toContainText('proposal')
  await expect(pending.getByTestId('card-detail')).toContainText('negotiation')
  await expect(pending.getByTestId('card-expiry')).toContainText(/Expires in 4[78] h/)
  const actionId = await pending.getAttribute('data-action-id')
  await expect(page.getByTestId('inbox-count')).toHaveText('1')

  await page.reload()
  await page.getByTestId('conversation-item').first().click()
  await expect(card(page)).toHaveAttribute('data-state', 'pending')

  const info = await host.restart()
  await page.goto(info.url)
  await page.getByTestId('conversation-item').first().click()
  const again = card(page)
  await expect(again).toHaveAttribute('data-action-id', actionId!)
  await expect(again).toHaveAttribute('data-state', 'pending')

  await again.getByTestId('approve-button').click()
  await expect(again).toHaveAttribute('data-state', 'succeeded')
  await expect(again.getByTestId('card-result')).toContainText(/negotiation/i)
  await expect(page.getByTestId('entry-assistant').last()).toContainText(/negotiation/i)
  await expect(page.getByTestId('inbox-count')).toHaveText(/^0?$/)

  // Ran exactly once, on the sample workspace itself.
  const client = await HostClient.connect(info.port, info.token)
  const deals = await client.request('actions.forConversation', { conversationId: await conversationIdOf(client) })
  expect(deals.filter((a) => a.state === 'succeeded')).toHaveLength(1)
  client.close()
  await host.stop()
  const { effects } = await readWorkspace(host)
  expect(effects.filter((e) => e.key === actionId)).toHaveLength(1)
})

test('a decline and its reason reach the assistant, and nothing runs', async ({ page, host }) => {
  await openApp(page, host)
  await signInSample(page, 'maria')
  await ask(page, 'Set the amount of deal Spring dock hardware order to 50000')
  const pending = card(page)
  await expect(pending).toHaveAttribute('data-state', 'pending')
  await pending.getByTestId('decline-button').click()
  await pending.getByTestId('decline-reason').fill('The customer has not confirmed the new amount')
  await pending.getByTestId('decline-confirm').click()
  await expect(pending).toHaveAttribute('data-state', 'declined')
  await expect(pending).toContainText('The customer has not confirmed the new amount')
  const reply = page.getByTestId('entry-assistant').last()
  await expect(reply).toContainText("won't")
  await expect(reply).toContainText('The customer has not confirmed the new amount')
  await host.stop()
  const { effects, deal } = await readWorkspace(host, 'Spring dock hardware order')
  expect(effects).toHaveLength(0)
  expect(deal.fields.amount).toBe(48500)
})

test('an expired action cannot be approved', async ({ page, host }) => {
  await openApp(page, host)
  await signInSample(page, 'maria')
  await ask(page, 'Move deal Spring dock hardware order to stage negotiation')
  await expect(card(page)).toHaveAttribute('data-state', 'pending')
  const actionId = (await card(page).getAttribute('data-action-id'))!
  const hash = (await card(page).getAttribute('data-hash'))!

  // Two days and an hour later (the host's clock is injected).
  const info = await host.restart({ clockOffsetMs: 49 * 3_600_000 })
  await page.goto(info.url)
  await page.getByTestId('conversation-item').first().click()
  await expect(card(page)).toHaveAttribute('data-state', 'expired')
  await expect(card(page).getByTestId('approve-button')).toHaveCount(0)

  const client = await HostClient.connect(info.port, info.token)
  await expect(client.request('actions.decide', { actionId, hash, decision: 'approve' })).rejects.toThrow(/expired|no longer be decided/)
  client.close()
  await host.stop()
  expect((await readWorkspace(host)).effects).toHaveLength(0)
})

test('a forged decision with the wrong hash, and a second window without the token, are refused', async ({ page, host, browser }) => {
  await openApp(page, host)
  await signInSample(page, 'maria')
  await ask(page, 'Move deal Spring dock hardware order to stage negotiation')
  await expect(card(page)).toHaveAttribute('data-state', 'pending')
  const actionId = (await card(page).getAttribute('data-action-id'))!
  const info = host.info!

  // A decision naming the action but not the hash that was shown.
  const client = await HostClient.connect(info.port, info.token)
  await expect(client.request('actions.decide', { actionId, hash: '0'.repeat(64), decision: 'approve' })).rejects.toThrow(/does not match the card/)
  // Another origin presenting the right token.
  await expect(HostClient.connect(info.port, info.token, 'http://evil.example')).rejects.toThrow(/403/)
  client.close()

  // A second window that was not given this run's token gets nothing.
  const other = await browser.newPage()
  await other.goto(`http://127.0.0.1:${info.port}/?token=wrong`)
  await expect(other.getByTestId('disconnected-banner')).toBeVisible()
  await expect(other.getByTestId('approval-card')).toHaveCount(0)
  await other.close()

  // A second host on the same data folder refuses to start (the single-instance lock).
  const second = new Host(host.dataDir)
  await expect(second.start()).rejects.toThrow(/already running/)

  await expect(card(page)).toHaveAttribute('data-state', 'pending')
})

async function conversationIdOf(client: HostClient): Promise<string> {
  const [first] = await client.request('conversations.list', {})
  return first.id
}

async function readWorkspace(host: Host, dealName?: string) {
  const { readFile } = await import('node:fs/promises')
  const { join } = await import('node:path')
  const ws = JSON.parse(await readFile(join(host.dataDir, 'sample-workspace', 'workspace.json'), 'utf8'))
  const deal = dealName ? ws.records.deal.find((d: { fields: { name: string } }) => d.fields.name === dealName) : undefined
  return { effects: ws.effects as { key: string }[], deal }
}
