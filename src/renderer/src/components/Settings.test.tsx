import { act, cleanup, fireEvent, screen } from '@testing-library/react'
import { afterEach, describe, expect, it } from 'vitest'
import { appState, settingsView } from '../test/fixtures'
import { createFakeApi } from '../test/fakeApi'
import { flush, renderWithStore, setup } from '../test/render'
import { Settings } from './Settings'
import { loadSettings } from '../store/thunks'

afterEach(cleanup)

// The AI provider part of Settings is tested in ProviderSettings.test.tsx.

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
