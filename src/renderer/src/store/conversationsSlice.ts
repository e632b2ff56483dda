import { createEntityAdapter, createSlice, type EntityState, type PayloadAction } from '@reduxjs/toolkit'
import type { ConversationSummary, ConversationView, Entry } from '../../../shared/domain'
import { sessionChanged } from './sessionActions'

/** Conversations keyed by id, newest activity first. */
export const conversationsAdapter = createEntityAdapter<ConversationSummary>({
  sortComparer: (a, b) => b.updatedAt - a.updatedAt || b.createdAt - a.createdAt || a.id.localeCompare(b.id)
})

/** Entries of one conversation keyed by entry id. No comparer: order is first appearance, and
 *  an upsert of a known id updates it in place. */
export const entriesAdapter = createEntityAdapter<Entry>()

export type LoadStatus = 'loading' | 'ready' | 'error'

export type ConversationsState = EntityState<ConversationSummary, string> & {
  listStatus: 'idle' | 'loading' | 'ready' | 'error'
  listError: string | null
  entries: Record<string, EntityState<Entry, string>>
  loaded: Record<string, LoadStatus>
  loadErrors: Record<string, string>
}

const initialState: ConversationsState = conversationsAdapter.getInitialState({
  listStatus: 'idle',
  listError: null,
  entries: {},
  loaded: {},
  loadErrors: {}
})

export const conversationsSlice = createSlice({
  name: 'conversations',
  initialState,
  reducers: {
    listLoadStarted(s) {
      s.listStatus = 'loading'
    },
    listLoadFailed(s, action: PayloadAction<string>) {
      s.listStatus = 'error'
      s.listError = action.payload
    },
    listLoaded(s, action: PayloadAction<ConversationSummary[]>) {
      conversationsAdapter.setAll(s, action.payload)
      s.listStatus = 'ready'
      s.listError = null
    },
    conversationChanged(s, action: PayloadAction<ConversationSummary>) {
      conversationsAdapter.upsertOne(s, action.payload)
    },
    conversationLoadStarted(s, action: PayloadAction<string>) {
      if (s.loaded[action.payload] !== 'ready') s.loaded[action.payload] = 'loading'
    },
    conversationLoadFailed(s, action: PayloadAction<{ conversationId: string; message: string }>) {
      if (s.loaded[action.payload.conversationId] !== 'ready') s.loaded[action.payload.conversationId] = 'error'
      s.loadErrors[action.payload.conversationId] = action.payload.message
    },
    /** A full snapshot from main. Its entries come first, in its order; entries pushed to us
     *  that the snapshot does not hold yet (they came after it was taken) stay, after them. */
    conversationLoaded(s, action: PayloadAction<ConversationView>) {
      const { entries, ...summary } = action.payload
      conversationsAdapter.upsertOne(s, summary)
      const previous = s.entries[summary.id]
      const merged = [...entries]
      if (previous) {
        const known = new Set(entries.map((e) => e.id))
        for (const id of previous.ids) if (!known.has(id)) merged.push(previous.entities[id])
      }
      s.entries[summary.id] = entriesAdapter.setAll(entriesAdapter.getInitialState(), merged)
      s.loaded[summary.id] = 'ready'
      delete s.loadErrors[summary.id]
    },
    entryUpserted(s, action: PayloadAction<{ conversationId: string; entry: Entry }>) {
      const { conversationId, entry } = action.payload
      const existing = s.entries[conversationId]
      // Adapter methods mutate a draft in place but return a copy of a plain (new) object.
      if (existing) entriesAdapter.upsertOne(existing, entry)
      else s.entries[conversationId] = entriesAdapter.upsertOne(entriesAdapter.getInitialState(), entry)
    },
    /** Main deleted a conversation (here or in another window). */
    conversationRemoved(s, action: PayloadAction<{ conversationId: string }>) {
      const id = action.payload.conversationId
      conversationsAdapter.removeOne(s, id)
      delete s.entries[id]
      delete s.loaded[id]
      delete s.loadErrors[id]
    },
    /** Main dropped an entry (a failed answer's partial text): it goes from the screen too. */
    entryRemoved(s, action: PayloadAction<{ conversationId: string; entryId: string }>) {
      const existing = s.entries[action.payload.conversationId]
      if (existing) entriesAdapter.removeOne(existing, action.payload.entryId)
    }
  },
  extraReducers: (builder) => {
    builder.addCase(sessionChanged, () => initialState)
  }
})

export const {
  listLoadStarted,
  listLoadFailed,
  listLoaded,
  conversationChanged,
  conversationLoadStarted,
  conversationLoadFailed,
  conversationLoaded,
  entryUpserted,
  entryRemoved,
  conversationRemoved
} = conversationsSlice.actions
