import { render } from '@testing-library/react'
import type { ReactElement } from 'react'
import { Provider } from 'react-redux'
import { createAppStore, type AppStore } from '../store'
import { startBridge } from '../store/bridge'
import { createFakeApi, type FakeApi } from './fakeApi'

/** A real store wired to a fake API through the real bridge. */
export function setup(fake: FakeApi = createFakeApi()): { fake: FakeApi; store: AppStore } {
  const store = createAppStore(fake.api)
  startBridge(fake.api, store.dispatch)
  return { fake, store }
}

export function renderWithStore(ui: ReactElement, store: AppStore) {
  return render(<Provider store={store}>{ui}</Provider>)
}

/** Lets pending promises and listener effects run. */
export async function flush(times = 5): Promise<void> {
  for (let i = 0; i < times; i++) await new Promise((resolve) => setTimeout(resolve, 0))
}
