// Settings → AI provider, the consent screen, and what the conversation shows of providers
// (Retry countdown, token usage, a conversation's own provider), against a fake main.
import { act, cleanup, fireEvent, screen } from '@testing-library/react'
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { ProviderView } from '../../../shared/domain'
import { appState, assistantEntry, consentText, demoProvider, providerProfile } from '../test/fixtures'
import { createFakeApi } from '../test/fakeApi'
import { flush, renderWithStore, setup } from '../test/render'
import { ConsentScreen } from './ConsentScreen'
import { ConversationProviderPicker } from './ConversationProviderPicker'
import { EntryView } from './Entries'
import { ProviderSettings } from './ProviderSettings'
import { secondsLeft } from './RetryButton'
import { conversationUsage, ConversationUsage } from './TokenUsage'

afterEach(() => {
  cleanup()
  vi.useRealTimers()
})

const ollama = providerProfile({
  id: 'p-ollama',
  label: 'Local model',
  kind: 'openai-compatible',
  name: 'Ollama (on this computer)',
  model: 'llama3.1',
  baseURL: 'http://127.0.0.1:11434/v1',
  endpointHost: '127.0.0.1:11434',
  api: null,
  hasApiKey: false,
  local: true,
  consent: { userId: 'u-finance', at: Date.UTC(2025, 0, 4), provider: 'openai-compatible', providerName: 'Ollama (on this computer)', endpointHost: '127.0.0.1:11434', wordingVersion: '2025-01' },
  active: true
})

const inUse: ProviderView = {
  kind: 'openai-compatible',
  name: 'Ollama (on this computer)',
  model: 'llama3.1',
  baseURL: 'http://127.0.0.1:11434/v1',
  endpointHost: '127.0.0.1:11434',
  hasApiKey: false,
  local: true,
  consent: ollama.consent,
  ready: true,
  activeProfileId: 'p-ollama',
  profiles: [ollama],
  pending: null
}

describe('consent screen', () => {
  it('requires the checkbox before enabling, then sends the wording and host shown', async () => {
    const fake = createFakeApi({ 'providers.consent': async () => inUse })
    const { store } = setup(fake)
    store.dispatch({ type: 'app/appChanged', payload: appState() })
    let done = false
    renderWithStore(<ConsentScreen consent={consentText({ receiver: 'OpenAI', operatorKnown: true })} onDone={() => (done = true)} onCancel={() => {}} />, store)
    const el = screen.getByTestId('consent-screen')
    expect(el.textContent).toContain('api.openai.com')
    expect(screen.getByTestId('consent-receiver').textContent).toBe('OpenAI')
    expect(screen.getByTestId('consent-terms').textContent).toBe('https://openai.com/policies/api-data-usage-policies')
    expect(screen.queryByTestId('consent-unknown-operator')).toBeNull()
    const enable = screen.getByTestId('consent-enable') as HTMLButtonElement
    expect(enable.disabled).toBe(true)
    fireEvent.click(enable)
    expect(fake.handlers['providers.consent']).not.toHaveBeenCalled()
    fireEvent.click(screen.getByTestId('consent-agree'))
    await act(async () => {
      fireEvent.click(screen.getByTestId('consent-enable'))
    })
    expect(fake.handlers['providers.consent']).toHaveBeenCalledWith({ wordingVersion: '2025-01', endpointHost: 'api.openai.com' })
    expect(done).toBe(true)
    expect(store.getState().app.state?.provider.activeProfileId).toBe('p-ollama')
  })

  it('says plainly when Countersign cannot tell who operates the server (a gateway base URL)', () => {
    const { store } = setup()
    renderWithStore(
      <ConsentScreen
        consent={consentText({
          providerName: 'OpenAI-style API at llm-gateway.corp.example',
          endpointHost: 'llm-gateway.corp.example',
          termsUrl: null,
          receiver: 'the operator of llm-gateway.corp.example (unknown to Countersign)',
          operatorKnown: false
        })}
        onDone={() => {}}
        onCancel={() => {}}
      />,
      store
    )
    expect(screen.getByTestId('consent-receiver').textContent).toBe('the operator of llm-gateway.corp.example (unknown to Countersign)')
    expect(screen.getByTestId('consent-unknown-operator').textContent).toMatch(/cannot tell who operates this server/)
    expect(screen.getByTestId('consent-screen').textContent).not.toMatch(/processed by OpenAI/)
    expect(screen.queryByTestId('consent-terms')).toBeNull()
  })

  it('tells a local endpoint apart', () => {
    const { store } = setup()
    renderWithStore(<ConsentScreen consent={consentText({ local: true, providerName: 'Ollama', endpointHost: '127.0.0.1:11434', termsUrl: null })} onDone={() => {}} onCancel={() => {}} />, store)
    expect(screen.getByTestId('consent-screen').textContent).toContain('your data stays here')
  })
})

describe('provider settings', () => {
  it('Cancel on the consent screen tells main to discard the choice; the provider in use stays and says so', async () => {
    const fake = createFakeApi({
      'providers.prepare': async () => ({ status: 'needs-consent', consent: consentText() }),
      'providers.cancel': async () => inUse
    })
    const { store } = setup(fake)
    store.dispatch({ type: 'app/appChanged', payload: appState({ provider: inUse }) })
    renderWithStore(<ProviderSettings provider={inUse} />, store)
    fireEvent.change(screen.getByTestId('provider-kind'), { target: { value: 'openai' } })
    fireEvent.change(screen.getByTestId('provider-apikey'), { target: { value: 'sk-secret-key-123' } })
    await act(async () => {
      fireEvent.click(screen.getByTestId('provider-continue'))
    })
    await flush()
    expect(fake.handlers['providers.prepare']).toHaveBeenCalledWith(expect.objectContaining({ kind: 'openai', model: 'gpt-5.4-mini', apiKey: 'sk-secret-key-123', api: 'responses', openaiStore: false }))
    expect(screen.getByTestId('consent-screen')).toBeTruthy()
    // While the screen is up, Settings still shows what is in use.
    expect(screen.getByTestId('provider-current').textContent).toContain('Ollama (on this computer)')
    expect(screen.getByTestId('provider-state').textContent).toBe('In use')
    await act(async () => {
      fireEvent.click(screen.getByTestId('consent-cancel'))
    })
    await flush()
    expect(fake.handlers['providers.cancel']).toHaveBeenCalledWith({})
    expect(fake.handlers['providers.consent']).not.toHaveBeenCalled()
    expect(screen.queryByTestId('consent-screen')).toBeNull()
    expect(screen.getByTestId('provider-current').textContent).toContain('127.0.0.1:11434')
    expect(store.getState().app.state?.provider.activeProfileId).toBe('p-ollama')
    expect(document.body.innerHTML).not.toContain('sk-secret-key-123')
  })

  it('an endpoint already agreed to is saved without a consent screen, and says why', async () => {
    const edited = { ...inUse, model: 'qwen2.5:7b', profiles: [{ ...ollama, model: 'qwen2.5:7b' }] }
    const fake = createFakeApi({ 'providers.prepare': async () => ({ status: 'saved', view: edited, consent: ollama.consent }) })
    const { store } = setup(fake)
    store.dispatch({ type: 'app/appChanged', payload: appState({ provider: inUse }) })
    renderWithStore(<ProviderSettings provider={inUse} />, store)
    fireEvent.click(screen.getByTestId('profile-edit'))
    expect((screen.getByTestId('provider-kind') as HTMLSelectElement).value).toBe('openai-compatible')
    fireEvent.change(screen.getByTestId('provider-model'), { target: { value: 'qwen2.5:7b' } })
    await act(async () => {
      fireEvent.click(screen.getByTestId('provider-continue'))
    })
    await flush()
    expect(fake.handlers['providers.prepare']).toHaveBeenCalledWith(expect.objectContaining({ profileId: 'p-ollama', model: 'qwen2.5:7b', baseURL: 'http://127.0.0.1:11434/v1' }))
    expect(screen.queryByTestId('consent-screen')).toBeNull()
    expect(screen.getByTestId('provider-saved').textContent).toMatch(/no new consent is needed/)
    expect(store.getState().app.state?.provider.model).toBe('qwen2.5:7b')
  })

  it('profiles: use one (consent if needed), test the connection, list models, delete', async () => {
    const hosted = providerProfile({ id: 'p-hosted', label: 'Hosted', active: false, consent: null, ready: false })
    const view: ProviderView = { ...inUse, profiles: [ollama, hosted] }
    const fake = createFakeApi({
      'providers.select': async () => ({ status: 'needs-consent', consent: consentText() }),
      'providers.testConnection': async () => ({ ok: true, message: 'Ollama (on this computer) at 127.0.0.1:11434 answered in 80 ms with the model llama3.1: “OK”.', model: 'llama3.1', latencyMs: 80 }),
      'providers.listModels': async () => [{ id: 'llama3.1:latest' }, { id: 'qwen2.5:7b' }],
      'providers.deleteProfile': async () => ({ ...inUse, profiles: [ollama] })
    })
    const { store } = setup(fake)
    store.dispatch({ type: 'app/appChanged', payload: appState({ provider: view }) })
    renderWithStore(<ProviderSettings provider={view} />, store)
    const rows = screen.getAllByTestId('provider-profile')
    expect(rows.map((r) => r.getAttribute('data-profile-id'))).toEqual(['p-ollama', 'p-hosted'])
    expect(rows[1]!.textContent).toContain('Not agreed to: nothing is sent to it')
    // No test before consent.
    const testButtons = screen.getAllByTestId('profile-test') as HTMLButtonElement[]
    expect(testButtons[1]!.disabled).toBe(true)

    await act(async () => {
      fireEvent.click(testButtons[0]!)
    })
    await flush()
    expect(fake.handlers['providers.testConnection']).toHaveBeenCalledWith({ profileId: 'p-ollama' })
    expect(screen.getByTestId('profile-test-result').textContent).toMatch(/answered in 80 ms/)

    await act(async () => {
      fireEvent.click(screen.getByTestId('profile-use'))
    })
    await flush()
    expect(fake.handlers['providers.select']).toHaveBeenCalledWith({ profileId: 'p-hosted' })
    expect(screen.getByTestId('consent-screen')).toBeTruthy()

    // Editing an agreed profile can ask its endpoint for models; an unagreed one cannot.
    cleanup()
    renderWithStore(<ProviderSettings provider={view} />, store)
    fireEvent.click(screen.getAllByTestId('profile-edit')[1]!)
    expect(screen.queryByTestId('provider-load-models')).toBeNull()
    fireEvent.click(screen.getAllByTestId('profile-edit')[0]!)
    await act(async () => {
      fireEvent.click(screen.getByTestId('provider-load-models'))
    })
    await flush()
    expect(fake.handlers['providers.listModels']).toHaveBeenCalledWith({ profileId: 'p-ollama' })
    const options = [...screen.getByTestId('provider-model-options').querySelectorAll('option')].map((o) => o.getAttribute('value'))
    expect(options).toEqual(['llama3.1:latest', 'qwen2.5:7b'])
    expect(screen.getByTestId('provider-models-note').textContent).toMatch(/2 models .* You can still type any name/)

    await act(async () => {
      fireEvent.click(screen.getAllByTestId('profile-delete')[1]!)
    })
    await flush()
    expect(fake.handlers['providers.deleteProfile']).toHaveBeenCalledWith({ profileId: 'p-hosted' })
    expect(store.getState().app.state?.provider.profiles).toHaveLength(1)
  })

  it('sends headers, organisation, project, storage and generation settings; refuses malformed ones before asking main', async () => {
    const fake = createFakeApi({ 'providers.prepare': async () => ({ status: 'needs-consent', consent: consentText() }) })
    const { store } = setup(fake)
    renderWithStore(<ProviderSettings provider={demoProvider()} />, store)
    fireEvent.change(screen.getByTestId('provider-org'), { target: { value: 'org-1' } })
    fireEvent.change(screen.getByTestId('provider-project'), { target: { value: 'proj_2' } })
    fireEvent.click(screen.getByTestId('provider-store'))
    fireEvent.change(screen.getByTestId('provider-apikey'), { target: { value: 'sk-x-123456' } })
    fireEvent.change(screen.getByTestId('provider-headers'), { target: { value: 'broken line' } })
    await act(async () => {
      fireEvent.click(screen.getByTestId('provider-continue'))
    })
    expect(screen.getByTestId('provider-form-error').textContent).toMatch(/Name: value/)
    expect(fake.handlers['providers.prepare']).not.toHaveBeenCalled()
    fireEvent.change(screen.getByTestId('provider-headers'), { target: { value: 'X-Team: sales\nX-Region: eu' } })
    fireEvent.change(screen.getByTestId('provider-temperature'), { target: { value: '0.4' } })
    fireEvent.change(screen.getByTestId('provider-max-tokens'), { target: { value: '1200' } })
    fireEvent.change(screen.getByTestId('provider-reasoning'), { target: { value: 'high' } })
    await act(async () => {
      fireEvent.click(screen.getByTestId('provider-continue'))
    })
    await flush()
    expect(fake.handlers['providers.prepare']).toHaveBeenCalledWith({
      kind: 'openai',
      model: 'gpt-5.4-mini',
      apiKey: 'sk-x-123456',
      api: 'responses',
      organization: 'org-1',
      project: 'proj_2',
      openaiStore: true,
      headers: { 'X-Team': 'sales', 'X-Region': 'eu' },
      generation: { temperature: 0.4, maxOutputTokens: 1200, reasoningEffort: 'high' }
    })
  })

  it('offers DeepSeek with its note', () => {
    const { store } = setup()
    renderWithStore(<ProviderSettings provider={demoProvider()} />, store)
    fireEvent.change(screen.getByTestId('provider-kind'), { target: { value: 'deepseek' } })
    expect((screen.getByTestId('provider-model') as HTMLInputElement).value).toBe('deepseek-chat')
    expect(document.body.textContent).toMatch(/People’s Republic of China/)
  })

  it('shows a refused prepare clearly', async () => {
    const fake = createFakeApi({
      'providers.prepare': async () => {
        throw new Error('The base URL is not a valid address.')
      }
    })
    const { store } = setup(fake)
    renderWithStore(<ProviderSettings provider={demoProvider()} />, store)
    await act(async () => {
      fireEvent.click(screen.getByTestId('provider-continue'))
    })
    await flush()
    expect(screen.getByTestId('provider-form-error').textContent).toBe('The base URL is not a valid address.')
    expect(screen.queryByTestId('consent-screen')).toBeNull()
  })
})

describe('in the conversation', () => {
  it('Retry counts down while the provider asked to wait, then is offered', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'Date'] })
    const { store } = setup()
    const at = Date.now()
    renderWithStore(
      <EntryView conversationId="c1" entry={{ kind: 'notice', id: 'n1', at, level: 'error', text: 'Rate limit. Try again in 3 seconds.', retryable: true, retryAfterSeconds: 3 }} />,
      store
    )
    const button = () => screen.getByTestId('notice-retry') as HTMLButtonElement
    expect(button().disabled).toBe(true)
    expect(button().textContent).toBe('Retry in 3 s')
    await act(async () => {
      vi.advanceTimersByTime(1_100)
    })
    expect(button().textContent).toBe('Retry in 2 s')
    await act(async () => {
      vi.advanceTimersByTime(2_000)
    })
    expect(button().disabled).toBe(false)
    expect(button().textContent).toBe('Retry')
    expect(secondsLeft(at, undefined, at)).toBe(0)
  })

  it('shows tokens per answer and per conversation, only where the provider reported them', () => {
    const { store } = setup()
    const entries = [
      { ...assistantEntry('a1', 'One', false), usage: { inputTokens: 1200, outputTokens: 80 } },
      assistantEntry('a2', 'Two', false),
      { ...assistantEntry('a3', 'Three', false), usage: { inputTokens: 1300, outputTokens: 20 } }
    ]
    expect(conversationUsage(entries)).toEqual({ inputTokens: 2500, outputTokens: 100 })
    expect(conversationUsage([assistantEntry('a2', 'Two', false)])).toBeNull()
    renderWithStore(
      <>
        <EntryView conversationId="c1" entry={entries[0]!} />
        <EntryView conversationId="c1" entry={entries[1]!} />
        <ConversationUsage entries={entries} />
      </>,
      store
    )
    expect(screen.getAllByTestId('answer-usage').map((e) => e.textContent)).toEqual(['1,200 in · 80 out'])
    expect(screen.getByTestId('conversation-usage').textContent).toBe('2,600 tokens')
  })

  it("a conversation's own provider: only agreed profiles are offered, and the choice goes to main", async () => {
    const hosted = providerProfile({ id: 'p-hosted', label: 'Hosted', active: false })
    const unagreed = providerProfile({ id: 'p-x', label: 'Not agreed', active: false, consent: null, ready: false })
    const fake = createFakeApi({
      'providers.conversationProfile': async () => ({ profileId: null }),
      'providers.setConversationProfile': async () => ({ ok: true as const })
    })
    const { store } = setup(fake)
    store.dispatch({ type: 'app/appChanged', payload: appState({ provider: { ...inUse, profiles: [ollama, hosted, unagreed] } }) })
    renderWithStore(<ConversationProviderPicker conversationId="c1" />, store)
    await flush()
    const select = screen.getByTestId('conversation-provider') as HTMLSelectElement
    expect([...select.options].map((o) => o.textContent)).toEqual(['As in Settings (Local model)', 'Local model — on this computer', 'Hosted', 'Demo assistant (offline)'])
    await act(async () => {
      fireEvent.change(select, { target: { value: 'p-hosted' } })
    })
    await flush()
    expect(fake.handlers['providers.setConversationProfile']).toHaveBeenCalledWith({ conversationId: 'c1', profileId: 'p-hosted' })
    expect(select.value).toBe('p-hosted')
  })
})
