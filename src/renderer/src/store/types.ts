import type { ThunkDispatch, UnknownAction } from '@reduxjs/toolkit'
import type { CountersignApi } from '../../../shared/contract'
import type { rootReducer } from './rootReducer'

export type RootState = ReturnType<typeof rootReducer>
/** What thunks and listeners get besides state: the API, and nothing else. */
export type ThunkExtra = { api: CountersignApi }
export type AppDispatch = ThunkDispatch<RootState, ThunkExtra, UnknownAction>
