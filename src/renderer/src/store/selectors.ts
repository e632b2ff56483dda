import { createSelector } from '@reduxjs/toolkit'
import type { ActionState, ActionView } from '../../../shared/domain'
import { actionsAdapter } from './actionsSlice'
import { conversationsAdapter } from './conversationsSlice'
import type { RootState } from './types'

/** States in which an action waits for the user. */
export const WAITING_STATES: readonly ActionState[] = ['pending', 'outcome_unknown']

const actionSelectors = actionsAdapter.getSelectors((s: RootState) => s.actions)
const conversationSelectors = conversationsAdapter.getSelectors((s: RootState) => s.conversations)

export const selectAppState = (s: RootState) => s.app.state
export const selectUser = (s: RootState) => s.app.state?.user ?? null
export const selectConversations = conversationSelectors.selectAll
export const selectConversationById = conversationSelectors.selectById
export const selectActionById = actionSelectors.selectById
export const selectAllActions = actionSelectors.selectAll

const newestFirst = (a: ActionView, b: ActionView) => b.createdAt - a.createdAt || b.id.localeCompare(a.id)

/** Everything waiting for the user, newest first. */
export const selectWaitingActions = createSelector([selectAllActions], (actions) =>
  actions.filter((a) => WAITING_STATES.includes(a.state)).sort(newestFirst)
)

export const selectWaitingCount = (s: RootState) => selectWaitingActions(s).length

/** Actions of one conversation, oldest first. */
export const selectActionsByConversation = createSelector([selectAllActions], (actions) => {
  const map = new Map<string, ActionView[]>()
  for (const action of actions) {
    let list = map.get(action.conversationId)
    if (!list) map.set(action.conversationId, (list = []))
    list.push(action)
  }
  for (const list of map.values()) list.sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id))
  return map
})
