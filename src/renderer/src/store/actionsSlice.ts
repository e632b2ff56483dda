import { createEntityAdapter, createSlice, type EntityState, type PayloadAction } from '@reduxjs/toolkit'
import type { ActionView } from '../../../shared/domain'
import { sessionChanged } from './sessionActions'

/** Actions from main's ledger, keyed by id. */
export const actionsAdapter = createEntityAdapter<ActionView>()

export type ActionsState = EntityState<ActionView, string> & {
  inboxStatus: 'idle' | 'loading' | 'ready' | 'error'
  inboxError: string | null
}

const initialState: ActionsState = actionsAdapter.getInitialState({ inboxStatus: 'idle', inboxError: null })

export const actionsSlice = createSlice({
  name: 'actions',
  initialState,
  reducers: {
    actionChanged(s, action: PayloadAction<ActionView>) {
      actionsAdapter.upsertOne(s, action.payload)
    },
    actionsLoaded(s, action: PayloadAction<ActionView[]>) {
      actionsAdapter.upsertMany(s, action.payload)
    },
    inboxLoadStarted(s) {
      s.inboxStatus = 'loading'
    },
    inboxLoadFailed(s, action: PayloadAction<string>) {
      s.inboxStatus = 'error'
      s.inboxError = action.payload
    },
    inboxLoaded(s, action: PayloadAction<ActionView[]>) {
      actionsAdapter.upsertMany(s, action.payload)
      s.inboxStatus = 'ready'
      s.inboxError = null
    }
  },
  extraReducers: (builder) => {
    builder.addCase(sessionChanged, () => initialState)
  }
})

export const { actionChanged, actionsLoaded, inboxLoadStarted, inboxLoadFailed, inboxLoaded } = actionsSlice.actions
