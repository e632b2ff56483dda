import { act, cleanup, fireEvent, screen } from '@testing-library/react'
import { afterEach, describe, expect, it } from 'vitest'
import { appState, consentText, demoProvider, settingsView } from '../test/fixtures'
import { createFakeApi } from '../test/fakeApi'
import { flush, renderWithStore, setup } from '../test/render'
import { ConsentScreen } from './ConsentScreen'
import { ProviderSettings } from './ProviderSettings'
import { Settings } from './Settings'
import { loadSettings } from '../store/thunks'

afterEach(cleanup)

const openaiWithConsent = demoProvider({
  kind: 'openai',
  name: 'OpenAI',
  model: 'gpt-4.1-mini',
  endpointHost: 'api.openai.com',
  hasApiKey: true,
  local: false,
  ready: true,
  consent: { userId: 'u-finance', at: Date.UTC(2025, 0, 5), provider: 'openai', providerName: 'OpenAI', endpointHost: 'api.openai.com', wordingVersion: '2025-01' }
})

describe('consent screen', () => {
  it('requires the checkbox before enabling, then sends the wording and host shown', async () => {
    const fake = createFakeApi({ 'providers.consent': async () => openaiWithConsent })
    const { store } = setup(fake)
    store.dispatch({ type: 'app/appChanged', payload: appState() })
    let done = false
    renderWithStore(<ConsentScreen consent={consentText()} onDone={() => (done = true)} onCancel={() => {}} />, store)
    const screenEl = screen.getByTestId('consent-screen')
    expect(screenEl.textContent).toContain('api.openai.com')
    expect(screenEl.textContent).toContain('Your messages in the conversation')
    expect(screenEl.textContent).toContain('https://openai.com/policies/api-data-usage-policies')
    expect(screenEl.querySelector('a')).toBeNull()
    const enable = screen.getByTestId('consent-enable') as HTMLButtonElement
    expect(enable.disabled).toBe(true)
    fireEvent.click(enable)
    expect(fake.handlers['providers.consent']).not.toHaveBeenCalled()
    fireEvent.click(screen.getByTestId('consent-agree'))
    expect(enable.disabled).toBe(false)
    await act(async () => {
      fireEvent.click(enable)
    })
    await flush()
    expect(fake.handlers['providers.consent']).toHaveBeenCalledWith({ wordingVersion: '2025-01', endpointHost: 'api.openai.com' })
    expect(done).toBe(true)
    expect(store.getState().app.state?.provider.consent?.wordingVersion).toBe('2025-01')
  })

  it('says when the endpoint is local', () => {
    const { store } = setup()
    renderWithStore(
      <ConsentScreen consent={consentText({ local: true, providerName: 'Ollama', endpointHost: '127.0.0.1:11434', termsUrl: null })} onDone={() => {}} onCancel={() => {}} />,
      store
    )
    expect(screen.getByTestId('consent-screen').textContent).toContain('your data stays here')
  })
})

describe('provider settings', () => {
  it('prepare → consent screen → enable; the API key is never shown back', async () => {
    const fake = createFakeApi({
      'providers.prepare': async () => consentText({ providerName: 'Ollama', endpointHost: '127.0.0.1:11434', local: true }),
      'providers.consent': async () => openaiWithConsent
    })
    const { store } = setup(fake)
    store.dispatch({ type: 'app/appChanged', payload: appState() })
    renderWithStore(<ProviderSettings provider={demoProvider()} />, store)
    expect(screen.getByTestId('provider-current').textContent).toContain('Demo assistant')
    fireEvent.change(screen.getByTestId('provider-kind'), { target: { value: 'openai-compatible' } })
    expect(screen.getByText('A local endpoint keeps your data on this machine.')).toBeTruthy()
    fireEvent.change(screen.getByTestId('provider-model'), { target: { value: 'llama3.2' } })
    fireEvent.change(screen.getByTestId('provider-baseurl'), { target: { value: 'http://127.0.0.1:11434/v1' } })
    fireEvent.change(screen.getByTestId('provider-apikey'), { target: { value: 'sk-secret' } })
    expect((screen.getByTestId('provider-apikey') as HTMLInputElement).type).toBe('password')
    await act(async () => {
      fireEvent.click(screen.getByTestId('provider-continue'))
    })
    await flush()
    expect(fake.handlers['providers.prepare']).toHaveBeenCalledWith({
      kind: 'openai-compatible',
      model: 'llama3.2',
      baseURL: 'http://127.0.0.1:11434/v1',
      apiKey: 'sk-secret'
    })
    expect(screen.getByTestId('consent-screen')).toBeTruthy()
    fireEvent.click(screen.getByTestId('consent-agree'))
    await act(async () => {
      fireEvent.click(screen.getByTestId('consent-enable'))
    })
    await flush()
    expect(fake.handlers['providers.consent']).toHaveBeenCalledWith({ wordingVersion: '2025-01', endpointHost: '127.0.0.1:11434' })
    expect(screen.queryByTestId('consent-screen')).toBeNull()
    expect((screen.getByTestId('provider-apikey') as HTMLInputElement).value).toBe('')
    expect(document.body.textContent).not.toContain('sk-secret')
  })

  it('shows the consent record, the keychain note, and withdraw / use demo', async () => {
    const fake = createFakeApi({
      'providers.withdrawConsent': async () => ({ ...openaiWithConsent, consent: null, ready: false }),
      'providers.useDemo': async () => demoProvider()
    })
    const { store } = setup(fake)
    renderWithStore(<ProviderSettings provider={openaiWithConsent} />, store)
    const current = screen.getByTestId('provider-current')
    expect(current.textContent).toContain('api.openai.com')
    expect(current.textContent).toContain('Key stored in your system keychain')
    expect(current.textContent).toContain('wording 2025-01')
    await act(async () => {
      fireEvent.click(screen.getByTestId('consent-withdraw'))
    })
    expect(fake.handlers['providers.withdrawConsent']).toHaveBeenCalledWith({})
    await act(async () => {
      fireEvent.click(screen.getByTestId('use-demo'))
    })
    expect(fake.handlers['providers.useDemo']).toHaveBeenCalledWith({})
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
    expect(screen.getByTestId('provider-error').textContent).toBe('The base URL is not a valid address.')
    expect(screen.queryByTestId('consent-screen')).toBeNull()
  })
})

describe('settings', () => {
  it('require-confirmation rows: select per ability, locked rows disabled', async () => {
    const fake = createFakeApi({
      'settings.setConfirmation': async ({ ability, setting }) =>
        settingsView({
          policy: settingsView().policy.map((row) =>
            row.ability.name === ability ? { ...row, setting, decision: 'ask', reason: 'You chose to be asked' } : row
          )
        }),
      'settings.setExpiryHours': async ({ hours }) => settingsView({ expiryHours: hours })
    })
    const { store } = setup(fake)
    store.dispatch({ type: 'app/appChanged', payload: appState() })
    await store.dispatch(loadSettings())
    renderWithStore(<Settings app={appState()} />, store)
    const search = screen.getByTestId('confirmation-crm.search') as HTMLSelectElement
    const send = screen.getByTestId('confirmation-crm.sendMessage') as HTMLSelectElement
    expect(search.disabled).toBe(false)
    expect(send.disabled).toBe(true)
    expect(screen.getByTestId('locked-crm.sendMessage').textContent).toContain('your IT department')
    expect(screen.getByTestId('decision-crm.search').textContent).toBe('Runs without asking')
    await act(async () => {
      fireEvent.change(search, { target: { value: 'always' } })
    })
    await flush()
    expect(fake.handlers['settings.setConfirmation']).toHaveBeenCalledWith({ ability: 'crm.search', setting: 'always' })
    expect(screen.getByTestId('decision-crm.search').textContent).toBe('Asks you first')

    const hours = screen.getByTestId('expiry-hours') as HTMLInputElement
    expect(hours.value).toBe('48')
    fireEvent.change(hours, { target: { value: '24' } })
    await act(async () => {
      fireEvent.click(screen.getByTestId('expiry-save'))
    })
    await flush()
    expect(fake.handlers['settings.setExpiryHours']).toHaveBeenCalledWith({ hours: 24 })
    expect(store.getState().settings.view?.expiryHours).toBe(24)
  })
})
