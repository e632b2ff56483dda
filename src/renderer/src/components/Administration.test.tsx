import { act, cleanup, fireEvent, screen } from '@testing-library/react'
import { afterEach, describe, expect, it } from 'vitest'
import type { AdminPolicyView, OrganisationView } from '../../../shared/org-policy'
import { App } from '../App'
import { createFakeApi } from '../test/fakeApi'
import { appState, demoProvider, settingsView } from '../test/fixtures'
import { flush, renderWithStore, setup } from '../test/render'
import { loadSettings } from '../store/thunks'
import { ProviderSettings } from './ProviderSettings'
import { Settings } from './Settings'

afterEach(cleanup)

const organisation = (overrides: Partial<OrganisationView> = {}): OrganisationView => ({
  sources: [{ kind: 'crm', label: 'your CRM administrator', location: 'Countersign: Administration', status: 'active', detail: null }],
  maxApprovalHours: null,
  looseningLockedBy: null,
  providers: { kinds: ['openai', 'anthropic', 'openai-compatible'], preset: null, rules: [] },
  ...overrides
})

const adminView = (overrides: Partial<AdminPolicyView> = {}): AdminPolicyView => ({
  policy: {},
  storedProblem: null,
  updatedBy: null,
  updatedAt: null,
  directory: { users: [{ login: 'rita', name: 'Rita Alvarez' }, { login: 'sam', name: 'Sam Whitaker' }], groups: ['Team East', 'Team West'] },
  ...overrides
})

async function renderApp(fake = createFakeApi(), state = appState()) {
  const { store } = setup(fake)
  fake.handlers['app.getState'].mockImplementation(async () => state)
  renderWithStore(<App />, store)
  await act(async () => {
    store.dispatch({ type: 'app/appChanged', payload: state })
  })
  await flush()
  return store
}

describe('Administration', () => {
  it('is offered only to administrators', async () => {
    await renderApp(createFakeApi(), appState({ organisation: { problems: [], administrator: false } }))
    expect(screen.queryByTestId('nav-administration')).toBeNull()
    cleanup()
    await renderApp(createFakeApi({ 'admin.getPolicy': async () => adminView() }), appState({ organisation: { problems: [], administrator: true } }))
    expect(screen.getByTestId('nav-administration')).toBeTruthy()
  })

  it('edits abilities and who may use, and saves exactly what was set', async () => {
    const fake = createFakeApi({
      'admin.getPolicy': async () => adminView({ policy: { maxApprovalHours: 12 } }),
      'admin.savePolicy': async ({ policy }) => adminView({ policy, updatedBy: 'Ada Brooks' })
    })
    await renderApp(fake, appState({ organisation: { problems: [], administrator: true } }))
    await act(async () => {
      fireEvent.click(screen.getByTestId('nav-administration'))
    })
    await flush()
    expect((screen.getByTestId('admin-max-hours') as HTMLInputElement).value).toBe('12')
    fireEvent.change(screen.getByTestId('admin-rule-send_message'), { target: { value: 'deny' } })
    fireEvent.change(screen.getByTestId('admin-reason-send_message'), { target: { value: 'Use the shared mailbox.' } })
    fireEvent.click(screen.getByTestId('admin-enabled-enable_automation'))
    fireEvent.click(screen.getByTestId('admin-access-some'))
    fireEvent.click(screen.getByTestId('admin-group-Team East'))
    await act(async () => {
      fireEvent.click(screen.getByTestId('admin-save'))
    })
    await flush()
    expect(fake.handlers['admin.savePolicy']).toHaveBeenCalledWith({
      policy: {
        maxApprovalHours: 12,
        abilities: { send_message: { confirmation: 'deny', reason: 'Use the shared mailbox.' }, enable_automation: { enabled: false } },
        access: { groups: ['Team East'], users: [] }
      }
    })
    expect(screen.getByTestId('admin-saved')).toBeTruthy()
  })

  it('shows the CRM’s refusal as it is', async () => {
    const fake = createFakeApi({
      'admin.getPolicy': async () => adminView(),
      'admin.savePolicy': async () => {
        throw new Error("Rita Alvarez may not change the organisation's Countersign policy")
      }
    })
    await renderApp(fake, appState({ organisation: { problems: [], administrator: true } }))
    await act(async () => {
      fireEvent.click(screen.getByTestId('nav-administration'))
    })
    await flush()
    await act(async () => {
      fireEvent.click(screen.getByTestId('admin-save'))
    })
    await flush()
    expect(screen.getByTestId('admin-error').textContent).toContain('may not change')
  })
})

describe('what people see of the organisation policy', () => {
  it('a policy that could not be used is a banner naming where and what', async () => {
    await renderApp(createFakeApi(), appState({ organisation: { problems: [{ source: 'your IT department', location: '/etc/countersign/policy.json', error: 'not valid JSON' }], administrator: false } }))
    const banner = screen.getByTestId('policy-problem')
    expect(banner.textContent).toContain('/etc/countersign/policy.json')
    expect(banner.textContent).toContain('not valid JSON')
    expect(banner.textContent).toContain('everything asks')
  })

  it('a person who may not use the assistant sees why and who decides', async () => {
    await renderApp(createFakeApi(), appState({ allowed: false, accessReason: 'Your CRM administrator does not allow Sam to use the assistant. Your CRM administrator decides who may use it.' }))
    const screenEl = screen.getByTestId('access-denied')
    expect(screenEl.textContent).toContain('not available to you')
    expect(screenEl.textContent).toContain('Your CRM administrator decides')
  })

  it('turning confirmation off for a change asks first and says what will happen; a barred "Never ask" is disabled', async () => {
    const view = settingsView({
      policy: [
        { ...settingsView().policy[1], lockedBy: null, ability: { ...settingsView().policy[1].ability, summary: 'Sends an email to your contacts.' } },
        {
          ability: { name: 'crm.update', title: 'Update a record', effect: 'write', description: 'd', summary: 'Changes a record.' },
          setting: 'default',
          decision: 'ask',
          reason: 'Changes need approval',
          lockedBy: null,
          mayTurnOff: false
        }
      ],
      organisation: organisation({ looseningLockedBy: 'your CRM administrator', maxApprovalHours: { hours: 8, setBy: 'your IT department' } })
    })
    const fake = createFakeApi({ 'settings.get': async () => view, 'settings.setConfirmation': async () => view })
    const { store } = setup(fake)
    store.dispatch({ type: 'app/appChanged', payload: appState() })
    await store.dispatch(loadSettings())
    renderWithStore(<Settings app={appState()} />, store)

    fireEvent.change(screen.getByTestId('confirmation-crm.sendMessage'), { target: { value: 'never' } })
    expect(fake.handlers['settings.setConfirmation']).not.toHaveBeenCalled()
    expect(screen.getByTestId('confirm-off-crm.sendMessage').textContent).toContain('Sends an email to your contacts.')
    fireEvent.click(screen.getByTestId('confirm-off-no-crm.sendMessage'))
    expect(screen.queryByTestId('confirm-off-crm.sendMessage')).toBeNull()
    expect(fake.handlers['settings.setConfirmation']).not.toHaveBeenCalled()
    fireEvent.change(screen.getByTestId('confirmation-crm.sendMessage'), { target: { value: 'never' } })
    await act(async () => {
      fireEvent.click(screen.getByTestId('confirm-off-yes-crm.sendMessage'))
    })
    expect(fake.handlers['settings.setConfirmation']).toHaveBeenCalledWith({ ability: 'crm.sendMessage', setting: 'never' })

    const barred = screen.getByTestId('confirmation-crm.update') as HTMLSelectElement
    expect((barred.querySelector('option[value="never"]') as HTMLOptionElement).disabled).toBe(true)
    expect(screen.getByTestId('no-loosen-crm.update')).toBeTruthy()
    expect(screen.getByTestId('expiry-limit').textContent).toContain('8 hours: set by your IT department')
    expect(screen.getByTestId('policy-source-crm').textContent).toContain('in effect')
  })

  it('offers only allowed providers, and a preset fixes the choice', async () => {
    const { store } = setup(createFakeApi())
    renderWithStore(
      <ProviderSettings
        provider={demoProvider()}
        organisation={organisation({
          providers: {
            kinds: ['openai-compatible'],
            preset: { kind: 'openai-compatible', baseURL: 'https://acme.openai.azure.com/openai/v1', model: 'gpt-4o', setBy: 'your IT department' },
            rules: ['Your IT department set the provider everyone uses: openai-compatible gpt-4o at acme.openai.azure.com.']
          }
        })}
      />,
      store
    )
    const kinds = [...(screen.getByTestId('provider-kind') as HTMLSelectElement).options].map((o) => o.value)
    expect(kinds).toEqual(['openai-compatible'])
    expect((screen.getByTestId('provider-model') as HTMLInputElement).value).toBe('gpt-4o')
    expect((screen.getByTestId('provider-model') as HTMLInputElement).readOnly).toBe(true)
    expect((screen.getByTestId('provider-baseurl') as HTMLInputElement).value).toBe('https://acme.openai.azure.com/openai/v1')
    expect(screen.getByTestId('provider-preset').textContent).toContain('your IT department')
  })
})
