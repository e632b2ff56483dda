import { createSelector } from '@reduxjs/toolkit'
import type { ActionView } from '../../../shared/domain'
import { actionsAdapter } from './actionsSlice'
import { conversationsAdapter } from './conversationsSlice'
import type { RootState } from './types'


const actionSelectors = actionsAdapter.getSelectors((s: RootState) => s.actions)
const conversationSelectors = conversationsAdapter.getSelectors((s: RootState) => s.conversations)

export const selectAppState = (s: RootState) => s.app.state
export const selectUser = (s: RootState) => s.app.state?.user ?? null
export const selectConversations = conversationSelectors.selectAll
export const selectConversationById = conversationSelectors.selectById
export const selectActionById = actionSelectors.selectById
export const selectAllActions = actionSelectors.selectAll

/** How many actions wait for the user, as main counts them (the inbox is paged). */
export const selectWaitingCount = (s: RootState) => s.inbox.waitingTotal

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
