// Workflows that span slices. Components only dispatch what happened; these decide what to load
// or show next.
import { createListenerMiddleware } from '@reduxjs/toolkit'
import { savePrefs } from '../prefs'
import { actionChanged } from './actionsSlice'
import { appChanged } from './appSlice'
import { connectionChanged } from './connectionSlice'
import { entryUpserted } from './conversationsSlice'
import { sessionChanged } from './sessionActions'
import { inboxQueryChanged } from './inboxSlice'
import { loadConversation, loadConversations, loadInboxPage, loadSettings, refreshAll, refreshWaitingCount } from './thunks'
import type { AppDispatch, RootState, ThunkExtra } from './types'
import { actionLinkFollowed, announced, focusRequested, inboxSortChosen, scrollTargetSet, viewSelected } from './uiSlice'

export function createListeners(extra: ThunkExtra) {
  const listener = createListenerMiddleware({ extra })
  const startAppListening = listener.startListening.withTypes<RootState, AppDispatch, ThunkExtra>()

  const identity = (state: RootState): string => `${state.app.state?.user?.id ?? ''}|${state.app.state?.account?.id ?? ''}`

  // Signed in, switched account or signed out: drop the previous user's projection and load
  // the new user's conversations, inbox and settings.
  startAppListening({
    predicate: (action, current, previous) => appChanged.match(action) && identity(current) !== identity(previous),
    effect: async (_action, api) => {
      const state = api.getState()
      api.dispatch(sessionChanged({ userId: state.app.state?.user?.id ?? null, accountId: state.app.state?.account?.id ?? null }))
      if (!state.app.state?.user) return
      await Promise.all([
        api.dispatch(loadConversations()),
        api.dispatch(refreshWaitingCount()),
        api.getState().ui.view.kind === 'inbox' ? api.dispatch(loadInboxPage({ reset: true })) : null,
        api.dispatch(loadSettings())
      ])
    }
  })

  // Opening a view loads what it shows.
  startAppListening({
    actionCreator: viewSelected,
    effect: async (action, api) => {
      const view = action.payload
      if (view.kind === 'conversation') await api.dispatch(loadConversation({ conversationId: view.conversationId }))
      else if (view.kind === 'settings') await api.dispatch(loadSettings())
      else if (view.kind === 'inbox') await api.dispatch(loadInboxPage({ reset: true }))
    }
  })

  // A notification was clicked: open that conversation and bring the card into view.
  startAppListening({
    actionCreator: focusRequested,
    effect: async (action, api) => {
      const { actionId, conversationId } = action.payload
      api.dispatch(viewSelected({ kind: 'conversation', conversationId }))
      await api.dispatch(loadConversation({ conversationId, force: true }))
      api.dispatch(scrollTargetSet({ actionId, conversationId }))
    }
  })

  // "See the new card": the same, for an action we already know.
  startAppListening({
    actionCreator: actionLinkFollowed,
    effect: async (action, api) => {
      const target = api.getState().actions.entities[action.payload.actionId]
      if (!target) return
      api.dispatch(focusRequested({ actionId: target.id, conversationId: target.conversationId }))
    }
  })

  // The connection to the headless host came back: refetch everything (also when the first
  // attempt failed and the page could not load its state).
  startAppListening({
    predicate: (action, current, previous) =>
      connectionChanged.match(action) &&
      current.connection.status === 'open' &&
      previous.connection.status !== 'open' &&
      (previous.connection.hasBeenOpen || current.app.status === 'error'),
    effect: async (_action, api) => {
      await api.dispatch(refreshAll())
    }
  })

  // Another list, filter or order: the inbox starts again from its first page.
  startAppListening({
    predicate: (action) => inboxQueryChanged.match(action) || inboxSortChosen.match(action),
    effect: async (_action, api) => {
      if (api.getState().ui.view.kind === 'inbox') await api.dispatch(loadInboxPage({ reset: true }))
    }
  })

  // Something changed state: recount what waits, once things settle (a burst of changes asks once).
  startAppListening({
    actionCreator: actionChanged,
    effect: async (_action, api) => {
      api.cancelActiveListeners()
      await api.delay(150)
      await api.dispatch(refreshWaitingCount())
    }
  })

  // Look-and-feel choices are remembered in this renderer's local storage.
  startAppListening({
    predicate: (_action, current, previous) =>
      current.ui.theme !== previous.ui.theme ||
      current.ui.demoBannerHidden !== previous.ui.demoBannerHidden ||
      current.ui.inboxSort !== previous.ui.inboxSort,
    effect: async (_action, api) => {
      const { theme, demoBannerHidden, inboxSort } = api.getState().ui
      savePrefs({ theme, demoBannerHidden, inboxSort })
    }
  })

  // Screen readers hear of a new card and of a finished answer (live region in LiveAnnouncer).
  startAppListening({
    actionCreator: actionChanged,
    effect: async (action, api) => {
      const view = action.payload
      const before = api.getOriginalState().actions.entities[view.id]
      if (view.state === 'pending' && before?.state !== 'pending') {
        api.dispatch(announced(`New approval request: ${view.abilityTitle}. ${view.card.summary}`))
      }
    }
  })
  startAppListening({
    actionCreator: entryUpserted,
    effect: async (action, api) => {
      const { conversationId, entry } = action.payload
      if (entry.kind !== 'assistant' || entry.streaming || !entry.text) return
      const before = api.getOriginalState().conversations.entries[conversationId]?.entities[entry.id]
      if (before?.kind === 'assistant' && before.streaming) api.dispatch(announced(`Answer: ${entry.text.slice(0, 600)}`))
    }
  })

  return listener
}
