import { describe, expect, it } from 'vitest'
import { action } from '../test/fixtures'
import { actionChanged, actionsSlice } from './actionsSlice'

describe('actions projection', () => {
  it('a reply that arrives after the pushed outcome does not put the action back', () => {
    // Approving a card the administrator has since denied: main refuses it at once and pushes
    // "failed" before the reply to "approve" ("approved") reaches the window.
    let state = actionsSlice.reducer(undefined, actionChanged(action({ state: 'pending' })))
    state = actionsSlice.reducer(state, actionChanged(action({ state: 'failed', error: 'Blocked by your CRM administrator.' })))
    state = actionsSlice.reducer(state, actionChanged(action({ state: 'approved' })))
    expect(state.entities['act-1']).toMatchObject({ state: 'failed', error: 'Blocked by your CRM administrator.' })
  })

  it('moves forward, and an unknown outcome can run again', () => {
    let state = actionsSlice.reducer(undefined, actionChanged(action({ state: 'pending' })))
    for (const next of ['approved', 'executing', 'outcome_unknown', 'executing', 'succeeded'] as const) {
      state = actionsSlice.reducer(state, actionChanged(action({ state: next })))
      expect(state.entities['act-1'].state).toBe(next)
    }
  })
})
