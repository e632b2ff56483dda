import { createEntityAdapter, createSlice, type EntityState, type PayloadAction } from '@reduxjs/toolkit'
import type { ActionView } from '../../../shared/domain'
import { sessionChanged } from './sessionActions'

/** Actions from main's ledger, keyed by id. */
export const actionsAdapter = createEntityAdapter<ActionView>()

export type ActionsState = EntityState<ActionView, string>

const initialState: ActionsState = actionsAdapter.getInitialState()

export const actionsSlice = createSlice({
  name: 'actions',
  initialState,
  reducers: {
    actionChanged(s, action: PayloadAction<ActionView>) {
      actionsAdapter.upsertOne(s, action.payload)
    },
    actionsLoaded(s, action: PayloadAction<ActionView[]>) {
      actionsAdapter.upsertMany(s, action.payload)
    }
  },
  extraReducers: (builder) => {
    builder.addCase(sessionChanged, () => initialState)
  }
})

export const { actionChanged, actionsLoaded } = actionsSlice.actions
