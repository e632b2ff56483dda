import { useEffect } from 'react'
import { useAppDispatch, useAppSelector, useAppStore } from '../store/hooks'
import { createConversation, stopConversation } from '../store/thunks'
import { searchFocusRequested, shortcutsToggled, sidebarToggled, viewSelected } from '../store/uiSlice'
import { isTypingTarget, matchShortcut } from './shortcuts'

/** The app-wide shortcuts, and Esc to stop an answer being written. */
export function useGlobalShortcuts(enabled: boolean): void {
  const dispatch = useAppDispatch()
  const store = useAppStore()
  const allowed = useAppSelector((s) => s.app.state?.allowed ?? false)

  useEffect(() => {
    if (!enabled) return
    const onKeyDown = (e: KeyboardEvent) => {
      if (e.defaultPrevented) return
      const id = matchShortcut(e)
      if (id) {
        e.preventDefault()
        switch (id) {
          case 'newConversation':
            if (allowed) void dispatch(createConversation())
            break
          case 'inbox':
            dispatch(viewSelected({ kind: 'inbox' }))
            break
          case 'settings':
            dispatch(viewSelected({ kind: 'settings' }))
            break
          case 'search':
            dispatch(sidebarToggled(true))
            dispatch(searchFocusRequested())
            break
          case 'toggleSidebar':
            dispatch(sidebarToggled())
            break
          case 'shortcuts':
            dispatch(shortcutsToggled())
            break
        }
        return
      }
      if (e.key === '?' && !isTypingTarget(e.target) && !e.ctrlKey && !e.metaKey && !e.altKey) {
        e.preventDefault()
        dispatch(shortcutsToggled(true))
        return
      }
      if (e.key === 'Escape') {
        const state = store.getState()
        if (state.ui.sidebarOpen) {
          dispatch(sidebarToggled(false))
          return
        }
        const view = state.ui.view
        if (view.kind === 'conversation' && state.conversations.entities[view.conversationId]?.status === 'running') {
          e.preventDefault()
          void dispatch(stopConversation(view.conversationId))
        }
      }
    }
    window.addEventListener('keydown', onKeyDown)
    return () => window.removeEventListener('keydown', onKeyDown)
  }, [enabled, allowed, dispatch, store])
}
