import { createEntityAdapter, createSlice, type EntityState, type PayloadAction } from '@reduxjs/toolkit'
import type { ActionState, ActionView } from '../../../shared/domain'
import { sessionChanged } from './sessionActions'

/** Actions from main's ledger, keyed by id. */
export const actionsAdapter = createEntityAdapter<ActionView>()

export type ActionsState = EntityState<ActionView, string>

// How far along an action is. A view of an earlier stage is stale: e.g. the reply to "approve"
// ("approved") arriving after the pushed outcome ("failed", when a re-check refused it at once).
const STAGE: Record<ActionState, number> = {
  proposed: 0,
  pending: 1,
  approved: 2,
  executing: 3,
  outcome_unknown: 3,
  succeeded: 4,
  failed: 4,
  declined: 4,
  expired: 4,
  superseded: 4,
  cancelled: 4
}

function upsertFresh(s: ActionsState, views: ActionView[]): void {
  actionsAdapter.upsertMany(
    s,
    views.filter((v) => {
      const known = s.entities[v.id]
      return !known || STAGE[v.state] >= STAGE[known.state]
    })
  )
}

const initialState: ActionsState = actionsAdapter.getInitialState()

export const actionsSlice = createSlice({
  name: 'actions',
  initialState,
  reducers: {
    actionChanged(s, action: PayloadAction<ActionView>) {
      upsertFresh(s, [action.payload])
    },
    actionsLoaded(s, action: PayloadAction<ActionView[]>) {
      upsertFresh(s, action.payload)
    }
  },
  extraReducers: (builder) => {
    builder.addCase(sessionChanged, () => initialState)
  }
})

export const { actionChanged, actionsLoaded } = actionsSlice.actions
