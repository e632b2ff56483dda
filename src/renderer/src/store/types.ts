import type { ThunkDispatch, UnknownAction } from '@reduxjs/toolkit'
import type { CountersignApi } from '../../../shared/contract'
import type { ConnectionMonitor } from '../api/connection'
import type { rootReducer } from './rootReducer'

export type RootState = ReturnType<typeof rootReducer>
/** What thunks and listeners get besides state: the API and, for the headless host, its connection. */
export type ThunkExtra = { api: CountersignApi; connection?: ConnectionMonitor | null }
export type AppDispatch = ThunkDispatch<RootState, ThunkExtra, UnknownAction>
