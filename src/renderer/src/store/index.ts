import { configureStore } from '@reduxjs/toolkit'
import type { CountersignApi } from '../../../shared/contract'
import type { ConnectionMonitor } from '../api/connection'
import { loadPrefs, type Prefs } from '../prefs'
import { createListeners } from './listeners'
import { rootReducer } from './rootReducer'
import type { RootState, ThunkExtra } from './types'
import { initialUiState } from './uiSlice'

export function createAppStore(api: CountersignApi, options: { preloadedState?: Partial<RootState>; connection?: ConnectionMonitor | null; prefs?: Prefs } = {}) {
  const extra: ThunkExtra = { api, connection: options.connection ?? null }
  const listeners = createListeners(extra)
  // The renderer's remembered look-and-feel choices start the ui state.
  const preloadedState = { ui: { ...initialUiState, ...(options.prefs ?? loadPrefs()) }, ...options.preloadedState }
  return configureStore({
    reducer: rootReducer,
    preloadedState: preloadedState as RootState,
    middleware: (getDefault) => getDefault({ thunk: { extraArgument: extra } }).prepend(listeners.middleware)
  })
}

export type AppStore = ReturnType<typeof createAppStore>
export type { AppDispatch, RootState, ThunkExtra } from './types'
