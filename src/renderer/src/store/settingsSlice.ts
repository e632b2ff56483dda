import { createSlice, type PayloadAction } from '@reduxjs/toolkit'
import type { SettingsView } from '../../../shared/domain'
import { sessionChanged } from './sessionActions'

export type SettingsState = { view: SettingsView | null; status: 'idle' | 'loading' | 'ready' | 'error'; error: string | null }

const initialState: SettingsState = { view: null, status: 'idle', error: null }

export const settingsSlice = createSlice({
  name: 'settings',
  initialState,
  reducers: {
    settingsLoadStarted(s) {
      if (s.status !== 'ready') s.status = 'loading'
    },
    settingsLoadFailed(s, action: PayloadAction<string>) {
      if (s.status !== 'ready') s.status = 'error'
      s.error = action.payload
    },
    settingsChanged(s, action: PayloadAction<SettingsView>) {
      s.view = action.payload
      s.status = 'ready'
      s.error = null
    }
  },
  extraReducers: (builder) => {
    builder.addCase(sessionChanged, () => initialState)
  }
})

export const { settingsLoadStarted, settingsLoadFailed, settingsChanged } = settingsSlice.actions
