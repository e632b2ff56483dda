import { createSlice, type PayloadAction } from '@reduxjs/toolkit'
import type { ConnectionStatus } from '../api/connection'

export type ConnectionState = { status: ConnectionStatus; hasBeenOpen: boolean }

/** Electron's IPC cannot drop; the store starts 'open' there and never changes. */
const initialState: ConnectionState = { status: 'open', hasBeenOpen: true }

export const connectionSlice = createSlice({
  name: 'connection',
  initialState,
  reducers: {
    connectionChanged(s, action: PayloadAction<ConnectionStatus>) {
      s.status = action.payload
      if (action.payload === 'open') s.hasBeenOpen = true
    }
  }
})

export const { connectionChanged } = connectionSlice.actions
