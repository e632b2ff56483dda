// AI providers as the user meets them, in Chromium against the real core, with loopback servers
// that speak the providers' wire formats: Cancel on consent changes nothing and sends nothing,
// an endpoint already agreed to needs no second screen, a gateway is named by its host, saved
// profiles, Test connection, the model list, and Retry after an error inside the stream.
import { reply, startProviderServer, type ProviderServer } from '../test/support/provider-servers'
import { ask, chooseProvider, expect, openApp, signInSample, test } from './fixtures'

let servers: ProviderServer[] = []
test.afterEach(async () => {
  await Promise.all(servers.map((s) => s.close()))
  servers = []
})
async function server(flavor: Parameters<typeof startProviderServer>[0]) {
  const s = await startProviderServer(flavor)
  servers.push(s)
  return s
}

test('Cancel on the consent screen: the previous provider stays in use, Settings says so, nothing is sent', async ({ page, host }) => {
  const ollama = await server('ollama')
  await openApp(page, host)
  await signInSample(page, 'maria')
  await chooseProvider(page, { kind: 'openai-compatible', model: 'llama3.1', baseURL: ollama.baseURL, apiKey: 'sk-local-gateway-key-31' })
  await expect(page.getByTestId('consent-screen')).toContainText(ollama.host)
  // While it waits, the demo is still the provider in use.
  await expect(page.getByTestId('provider-current')).toContainText('demo assistant')
  await expect(page.getByTestId('provider-state')).toHaveText('In use')

  await page.getByTestId('consent-cancel').click()
  await expect(page.getByTestId('consent-screen')).toHaveCount(0)
  await expect(page.getByTestId('provider-current')).toContainText('demo assistant')
  await expect(page.getByTestId('provider-state')).toHaveText('In use')
  await expect(page.getByTestId('provider-profile')).toHaveCount(0)
  await expect(page.getByTestId('provider-pending')).toHaveCount(0)

  // The next question goes to the demo, and the endpoint saw nothing.
  await page.getByTestId('new-conversation').click()
  await ask(page, 'Show overdue invoices')
  await expect(page.getByTestId('entry-tool').first()).toBeVisible()
  expect(ollama.requests).toHaveLength(0)

  // After a reload, still nothing of the cancelled choice.
  await page.reload()
  await page.getByTestId('nav-settings').click()
  await expect(page.getByTestId('provider-current')).toContainText('demo assistant')
  await expect(page.getByTestId('provider-pending')).toHaveCount(0)
})

test('agreeing, Test connection, models from the endpoint, re-choosing without a second screen, and Retry after an in-stream error', async ({ page, host }) => {
  const ollama = await server('ollama')
  await openApp(page, host)
  await signInSample(page, 'maria')
  await chooseProvider(page, { kind: 'openai-compatible', label: 'Local model', model: 'llama3.1', baseURL: ollama.baseURL })
  await page.getByTestId('consent-agree').check()
  await page.getByTestId('consent-enable').click()
  await expect(page.getByTestId('provider-current')).toContainText(ollama.host)
  await expect(page.getByTestId('provider-state')).toHaveText('In use')
  expect(ollama.requests).toHaveLength(0)

  // One minimal request, reported.
  ollama.script(reply.text('OK'))
  await page.getByTestId('profile-test').click()
  await expect(page.getByTestId('profile-test-result')).toContainText(/answered in \d+ ms with the model llama3\.1: “OK”/)
  expect(ollama.requests).toHaveLength(1)

  // Edit: the endpoint's models are offered; changing the model needs no new consent screen.
  await page.getByTestId('profile-edit').click()
  await page.getByTestId('provider-load-models').click()
  await expect(page.getByTestId('provider-models-note')).toContainText('2 models')
  await expect(page.locator('[data-testid="provider-model-options"] option')).toHaveCount(2)
  await page.getByTestId('provider-model').fill('qwen2.5:7b')
  await page.getByTestId('provider-continue').click()
  await expect(page.getByTestId('provider-saved')).toContainText('no new consent is needed')
  await expect(page.getByTestId('consent-screen')).toHaveCount(0)
  await expect(page.getByTestId('provider-current-model')).toHaveText('qwen2.5:7b')

  // An error event inside the stream: a clear notice with Retry; Retry gets the answer.
  ollama.script(reply.streamError('The server had an error while processing your request.'))
  await page.getByTestId('new-conversation').click()
  await ask(page, 'Hello there')
  const notice = page.getByTestId('entry-notice').last()
  await expect(notice).toContainText(/error in the middle of the answer/)
  ollama.script(reply.text('Hello from the local model.'))
  await notice.getByTestId('notice-retry').click()
  await expect(page.getByTestId('entry-assistant').last()).toContainText('Hello from the local model.')
  await expect(page.getByTestId('entry-assistant').last()).toHaveAttribute('data-streaming', 'false')
  expect((ollama.requests.at(-1)!.body as { model: string }).model).toBe('qwen2.5:7b')
})

// The model loop emits `conversation.entryRemoved` for the partial answer of a failed stream, and
// the renderer drops that entry (src/renderer/src/store/entryRemoved.test.ts).
test('a failed stream leaves no partial answer on screen', async ({ page, host }) => {
  const ollama = await server('ollama')
  await openApp(page, host)
  await signInSample(page, 'maria')
  await chooseProvider(page, { kind: 'openai-compatible', model: 'llama3.1', baseURL: ollama.baseURL })
  await page.getByTestId('consent-agree').check()
  await page.getByTestId('consent-enable').click()
  await expect(page.getByTestId('provider-state')).toHaveText('In use')

  ollama.script(reply.streamError('The server had an error while processing your request.', 'Here is the beginning of an answer that'))
  await page.getByTestId('new-conversation').click()
  await ask(page, 'Hello there')
  await expect(page.getByTestId('entry-notice').last()).toContainText(/error in the middle of the answer/)
  await expect(page.getByTestId('entry-assistant')).toHaveCount(0, { timeout: 3_000 })
})

test('a company gateway is named by its host, not as OpenAI', async ({ page, host }) => {
  await openApp(page, host)
  await signInSample(page, 'maria')
  await chooseProvider(page, { kind: 'openai', baseURL: 'https://llm-gateway.corp.example/v1', apiKey: 'sk-gateway-key-123456' })
  const consent = page.getByTestId('consent-screen')
  await expect(page.getByTestId('consent-receiver')).toHaveText('the operator of llm-gateway.corp.example (unknown to Countersign)')
  await expect(page.getByTestId('consent-unknown-operator')).toBeVisible()
  await expect(consent).not.toContainText('OpenAI receives it')
  await expect(page.getByTestId('consent-terms')).toHaveCount(0)
  await page.getByTestId('consent-cancel').click()
  await expect(page.getByTestId('provider-current')).toContainText('demo assistant')
})
