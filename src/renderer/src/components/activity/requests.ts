// The Activity screen's requests to main. Its data is the screen's own (a page of history, not a
// projection kept current by events), so each thunk simply returns what main answered.
import { createAsyncThunk } from '@reduxjs/toolkit'
import type { RequestInput } from '../../../../shared/contract'
import type { AppDispatch, RootState, ThunkExtra } from '../../store/types'

const createAppThunk = createAsyncThunk.withTypes<{ state: RootState; dispatch: AppDispatch; extra: ThunkExtra }>()

export const fetchActivity = createAppThunk('activity/list', (input: RequestInput<'activity.list'>, { extra }) => extra.api.requests['activity.list'](input))
export const verifyTrail = createAppThunk('activity/verify', (_: void, { extra }) => extra.api.requests['activity.verify']({}))
export const exportActivity = createAppThunk('activity/export', (input: RequestInput<'activity.export'>, { extra }) => extra.api.requests['activity.export'](input))
export const fetchActivitySettings = createAppThunk('activity/settings', (_: void, { extra }) => extra.api.requests['activity.settings']({}))
export const setPrice = createAppThunk('activity/setPrice', (input: RequestInput<'activity.setPrice'>, { extra }) => extra.api.requests['activity.setPrice'](input))
export const removePrice = createAppThunk('activity/removePrice', (input: RequestInput<'activity.removePrice'>, { extra }) => extra.api.requests['activity.removePrice'](input))
export const setRetentionDays = createAppThunk('activity/setRetention', (input: RequestInput<'activity.setRetentionDays'>, { extra }) =>
  extra.api.requests['activity.setRetentionDays'](input)
)
