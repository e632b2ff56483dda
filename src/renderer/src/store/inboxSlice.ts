import { createSlice, type PayloadAction } from '@reduxjs/toolkit'
import type { RequestOutput } from '../../../shared/contract'
import { DECIDED_STATES, WAITING_STATES, waitingSortKey, type InboxFilter, type InboxList, type InboxSort } from '../../../shared/inbox'
import { actionChanged } from './actionsSlice'
import { sessionChanged } from './sessionActions'

/** Rows fetched per request. */
export const INBOX_PAGE_SIZE = 50

/** The inbox as the renderer holds it: the ids of the rows loaded so far, in main's order, and
 *  main's total. The rows themselves live in the actions slice. */
export type InboxState = {
  list: InboxList
  filter: InboxFilter
  /** The order the loaded rows are in. */
  sort: InboxSort
  ids: string[]
  /** Sort key per loaded row (waiting list), to place a card pushed between two pages. */
  keys: number[]
  total: number
  nextCursor: string | null
  status: 'idle' | 'loading' | 'ready' | 'error'
  error: string | null
  /** Bumped on every reset, so a page answered for an older query is dropped. */
  generation: number
  /** How many actions wait for the user in all (the sidebar badge, the tab title). */
  waitingTotal: number
}

const initialState: InboxState = {
  list: 'waiting',
  filter: 'all',
  sort: 'time_left',
  ids: [],
  keys: [],
  total: 0,
  nextCursor: null,
  status: 'idle',
  error: null,
  generation: 0,
  waitingTotal: 0
}

type Page = RequestOutput<'actions.inboxPage'>

export const inboxSlice = createSlice({
  name: 'inbox',
  initialState,
  reducers: {
    inboxQueryChanged(s, action: PayloadAction<{ list?: InboxList; filter?: InboxFilter }>) {
      if (action.payload.list) s.list = action.payload.list
      if (action.payload.filter) s.filter = action.payload.filter
    },
    inboxPageRequested(s, action: PayloadAction<{ generation: number; reset: boolean }>) {
      s.generation = action.payload.generation
      s.status = 'loading'
      s.error = null
      if (action.payload.reset) {
        s.ids = []
        s.keys = []
        s.nextCursor = null
      }
    },
    inboxPageLoaded(s, action: PayloadAction<{ generation: number; page: Page; sort: InboxSort }>) {
      if (action.payload.generation !== s.generation) return
      const { page, sort } = action.payload
      const known = new Set(s.ids)
      for (const item of page.items) {
        if (known.has(item.id)) continue
        s.ids.push(item.id)
        s.keys.push(s.list === 'waiting' ? waitingSortKey(item, sort) : 0)
      }
      s.sort = sort
      s.total = page.total
      s.nextCursor = page.nextCursor
      s.status = 'ready'
      if (s.list === 'waiting') s.waitingTotal = page.total
    },
    inboxPageFailed(s, action: PayloadAction<{ generation: number; message: string }>) {
      if (action.payload.generation !== s.generation) return
      s.status = 'error'
      s.error = action.payload.message
    },
    waitingTotalChanged(s, action: PayloadAction<number>) {
      s.waitingTotal = action.payload
    }
  },
  extraReducers: (builder) => {
    builder.addCase(sessionChanged, () => initialState)
    // A card pushed while the inbox is open: placed where main would page it, if that place is
    // among the rows loaded; otherwise it arrives with a later page. Rows already shown stay in
    // view with their new state until the inbox is reloaded.
    builder.addCase(actionChanged, (s, action) => {
      const view = action.payload
      if (s.status === 'idle' || s.ids.includes(view.id)) return
      if (s.list === 'waiting') {
        if (!WAITING_STATES.includes(view.state)) return
        const key = waitingSortKey(view, s.sort)
        const lastKey = s.keys.at(-1)
        if (s.nextCursor !== null && lastKey !== undefined && key > lastKey) return
        let at = s.keys.findIndex((k, i) => k > key || (k === key && s.ids[i] > view.id))
        if (at < 0) at = s.ids.length
        s.ids.splice(at, 0, view.id)
        s.keys.splice(at, 0, key)
        s.total += 1
      } else if (DECIDED_STATES[s.filter].includes(view.state)) {
        // Newest change first: a fresh decision goes on top.
        s.ids.unshift(view.id)
        s.keys.unshift(0)
        s.total += 1
      }
    })
  }
})

export const { inboxQueryChanged, inboxPageRequested, inboxPageLoaded, inboxPageFailed, waitingTotalChanged } = inboxSlice.actions
