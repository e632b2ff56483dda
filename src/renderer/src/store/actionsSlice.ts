import { createEntityAdapter, createSlice, type EntityState, type PayloadAction } from '@reduxjs/toolkit'
import type { ActionState, ActionView } from '../../../shared/domain'
import { sessionChanged } from './sessionActions'

/** Actions from main's ledger, keyed by id. */
export const actionsAdapter = createEntityAdapter<ActionView>()

export type ActionsState = EntityState<ActionView, string> & {
  inboxStatus: 'idle' | 'loading' | 'ready' | 'error'
  inboxError: string | null
}

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

const initialState: ActionsState = actionsAdapter.getInitialState({ inboxStatus: 'idle', inboxError: null })

export const actionsSlice = createSlice({
  name: 'actions',
  initialState,
  reducers: {
    actionChanged(s, action: PayloadAction<ActionView>) {
      upsertFresh(s, [action.payload])
    },
    actionsLoaded(s, action: PayloadAction<ActionView[]>) {
      upsertFresh(s, action.payload)
    },
    inboxLoadStarted(s) {
      s.inboxStatus = 'loading'
    },
    inboxLoadFailed(s, action: PayloadAction<string>) {
      s.inboxStatus = 'error'
      s.inboxError = action.payload
    },
    inboxLoaded(s, action: PayloadAction<ActionView[]>) {
      upsertFresh(s, action.payload)
      s.inboxStatus = 'ready'
      s.inboxError = null
    }
  },
  extraReducers: (builder) => {
    builder.addCase(sessionChanged, () => initialState)
  }
})

export const { actionChanged, actionsLoaded, inboxLoadStarted, inboxLoadFailed, inboxLoaded } = actionsSlice.actions
