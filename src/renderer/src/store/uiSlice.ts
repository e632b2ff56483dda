import { createSlice, type PayloadAction } from '@reduxjs/toolkit'
import { sessionChanged } from './sessionActions'

export type View =
  | { kind: 'home' }
  | { kind: 'conversation'; conversationId: string }
  | { kind: 'inbox' }
  | { kind: 'settings'; section?: 'accounts' }
  | { kind: 'activity' }

export type UiState = {
  view: View
  /** Unsent composer text per conversation ('' key = the home composer). */
  drafts: Record<string, string>
  /** Why the last send from a composer failed, per conversation ('' = home), until the next try. */
  sendErrors: Record<string, string>
  /** A card to bring into view, set by the focus workflow; `nonce` makes repeats count. */
  scrollTarget: { actionId: string; conversationId: string; nonce: number } | null
  /** Asks the composer to take keyboard focus (after "New conversation"). */
  composerFocusNonce: number
  /** The demo banner's example list, folded away by the user. */
  demoExamplesHidden: boolean
}

const initialState: UiState = { view: { kind: 'home' }, drafts: {}, sendErrors: {}, scrollTarget: null, composerFocusNonce: 0, demoExamplesHidden: false }

export const uiSlice = createSlice({
  name: 'ui',
  initialState,
  reducers: {
    viewSelected(s, action: PayloadAction<View>) {
      s.view = action.payload
    },
    draftChanged(s, action: PayloadAction<{ key: string; text: string }>) {
      if (action.payload.text) s.drafts[action.payload.key] = action.payload.text
      else delete s.drafts[action.payload.key]
    },
    sendErrorChanged(s, action: PayloadAction<{ key: string; message: string | null }>) {
      if (action.payload.message) s.sendErrors[action.payload.key] = action.payload.message
      else delete s.sendErrors[action.payload.key]
    },
    /** Main asked to show a card (a notification was clicked). Handled by a listener. */
    focusRequested(_s, _action: PayloadAction<{ actionId: string; conversationId: string }>) {},
    /** The user asked to see another card (e.g. the fresh card of a superseded action). */
    actionLinkFollowed(_s, _action: PayloadAction<{ actionId: string }>) {},
    scrollTargetSet(s, action: PayloadAction<{ actionId: string; conversationId: string }>) {
      s.scrollTarget = { ...action.payload, nonce: (s.scrollTarget?.nonce ?? 0) + 1 }
    },
    scrollTargetReached(s, action: PayloadAction<number>) {
      if (s.scrollTarget?.nonce === action.payload) s.scrollTarget = null
    },
    composerFocusRequested(s) {
      s.composerFocusNonce += 1
    },
    demoExamplesToggled(s) {
      s.demoExamplesHidden = !s.demoExamplesHidden
    }
  },
  extraReducers: (builder) => {
    builder.addCase(sessionChanged, (s) => {
      s.view = s.view.kind === 'settings' ? s.view : { kind: 'home' }
      s.drafts = {}
      s.sendErrors = {}
      s.scrollTarget = null
    })
  }
})

export const {
  viewSelected,
  draftChanged,
  sendErrorChanged,
  focusRequested,
  actionLinkFollowed,
  scrollTargetSet,
  scrollTargetReached,
  composerFocusRequested,
  demoExamplesToggled
} = uiSlice.actions
