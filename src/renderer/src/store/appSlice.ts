import { createSlice, type PayloadAction } from '@reduxjs/toolkit'
import type { AppState, ProviderView } from '../../../shared/domain'

export type AppSliceState = {
  /** main's app state, as last loaded or pushed. */
  state: AppState | null
  status: 'idle' | 'loading' | 'ready' | 'error'
  error: string | null
}

const initialState: AppSliceState = { state: null, status: 'idle', error: null }

export const appSlice = createSlice({
  name: 'app',
  initialState,
  reducers: {
    appLoadStarted(s) {
      if (s.status !== 'ready') s.status = 'loading'
    },
    appLoadFailed(s, action: PayloadAction<string>) {
      if (s.state === null) s.status = 'error'
      s.error = action.payload
    },
    appChanged(s, action: PayloadAction<AppState>) {
      s.state = action.payload
      s.status = 'ready'
      s.error = null
    },
    providerChanged(s, action: PayloadAction<ProviderView>) {
      if (s.state) s.state.provider = action.payload
    }
  }
})

export const { appLoadStarted, appLoadFailed, appChanged, providerChanged } = appSlice.actions
