import { configureStore } from '@reduxjs/toolkit'
import type { CountersignApi } from '../../../shared/contract'
import type { ConnectionMonitor } from '../api/connection'
import { createListeners } from './listeners'
import { rootReducer } from './rootReducer'
import type { RootState, ThunkExtra } from './types'

export function createAppStore(api: CountersignApi, options: { preloadedState?: Partial<RootState>; connection?: ConnectionMonitor | null } = {}) {
  const extra: ThunkExtra = { api, connection: options.connection ?? null }
  const listeners = createListeners(extra)
  return configureStore({
    reducer: rootReducer,
    preloadedState: options.preloadedState as RootState | undefined,
    middleware: (getDefault) => getDefault({ thunk: { extraArgument: extra } }).prepend(listeners.middleware)
  })
}

export type AppStore = ReturnType<typeof createAppStore>
export type { AppDispatch, RootState, ThunkExtra } from './types'
