import { createSlice, type PayloadAction } from '@reduxjs/toolkit'
import { DEFAULT_PREFS, type InboxSort, type Theme } from '../prefs'
import { sessionChanged } from './sessionActions'
import { conversationRemoved } from './conversationsSlice'

export type View =
  | { kind: 'home' }
  | { kind: 'conversation'; conversationId: string }
  | { kind: 'inbox' }
  | { kind: 'settings'; section?: 'accounts' }
  | { kind: 'administration' }
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
  /** The demo banner, hidden by the user (remembered). */
  demoBannerHidden: boolean
  theme: Theme
  inboxSort: InboxSort
  /** Narrow windows: the sidebar is folded away unless opened. */
  sidebarOpen: boolean
  shortcutsOpen: boolean
  /** Asks the sidebar's search box to take focus. */
  searchFocusNonce: number
  /** The latest thing to say to screen-reader users; `nonce` makes a repeat count. */
  announcement: { text: string; nonce: number } | null
}

export const initialUiState: UiState = {
  view: { kind: 'home' },
  drafts: {},
  sendErrors: {},
  scrollTarget: null,
  composerFocusNonce: 0,
  demoBannerHidden: DEFAULT_PREFS.demoBannerHidden,
  theme: DEFAULT_PREFS.theme,
  inboxSort: DEFAULT_PREFS.inboxSort,
  sidebarOpen: false,
  shortcutsOpen: false,
  searchFocusNonce: 0,
  announcement: null
}

export const uiSlice = createSlice({
  name: 'ui',
  initialState: initialUiState,
  reducers: {
    viewSelected(s, action: PayloadAction<View>) {
      s.view = action.payload
      s.sidebarOpen = false
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
    demoBannerHiddenChanged(s, action: PayloadAction<boolean>) {
      s.demoBannerHidden = action.payload
    },
    themeChosen(s, action: PayloadAction<Theme>) {
      s.theme = action.payload
    },
    inboxSortChosen(s, action: PayloadAction<InboxSort>) {
      s.inboxSort = action.payload
    },
    sidebarToggled(s, action: PayloadAction<boolean | undefined>) {
      s.sidebarOpen = action.payload ?? !s.sidebarOpen
    },
    shortcutsToggled(s, action: PayloadAction<boolean | undefined>) {
      s.shortcutsOpen = action.payload ?? !s.shortcutsOpen
    },
    searchFocusRequested(s) {
      s.searchFocusNonce += 1
    },
    announced(s, action: PayloadAction<string>) {
      s.announcement = { text: action.payload, nonce: (s.announcement?.nonce ?? 0) + 1 }
    }
  },
  extraReducers: (builder) => {
    // A deleted conversation that is open goes back to the start screen.
    builder.addCase(conversationRemoved, (s, action) => {
      if (s.view.kind === 'conversation' && s.view.conversationId === action.payload.conversationId) s.view = { kind: 'home' }
    })
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
  demoBannerHiddenChanged,
  themeChosen,
  inboxSortChosen,
  sidebarToggled,
  shortcutsToggled,
  searchFocusRequested,
  announced
} = uiSlice.actions
