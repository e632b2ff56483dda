import { createAction } from '@reduxjs/toolkit'

/** The signed-in user or account changed: everything projected for the previous one goes. */
export const sessionChanged = createAction<{ userId: string | null; accountId: string | null }>('session/sessionChanged')
