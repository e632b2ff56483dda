// Requests to main. Each thunk calls one request and records what main answered as a
// past-tense action; the renderer decides nothing itself.
import { createAsyncThunk } from '@reduxjs/toolkit'
import type { RequestInput } from '../../../shared/contract'
import { errorMessage } from '../api/errors'
import { actionChanged, actionsLoaded } from './actionsSlice'
import { INBOX_PAGE_SIZE, inboxPageFailed, inboxPageLoaded, inboxPageRequested, waitingTotalChanged } from './inboxSlice'
import { appChanged, appLoadFailed, appLoadStarted, providerChanged } from './appSlice'
import {
  conversationChanged,
  conversationLoaded,
  conversationLoadFailed,
  conversationLoadStarted,
  conversationRemoved,
  listLoaded,
  listLoadFailed,
  listLoadStarted
} from './conversationsSlice'
import { settingsChanged, settingsLoadFailed, settingsLoadStarted } from './settingsSlice'
import type { AppDispatch, RootState, ThunkExtra } from './types'
import { composerFocusRequested, draftChanged, sendErrorChanged, viewSelected } from './uiSlice'

const createAppThunk = createAsyncThunk.withTypes<{ state: RootState; dispatch: AppDispatch; extra: ThunkExtra }>()

export const loadAppState = createAppThunk('app/load', async (_: void, { dispatch, extra }) => {
  dispatch(appLoadStarted())
  try {
    dispatch(appChanged(await extra.api.requests['app.getState']({})))
  } catch (error) {
    dispatch(appLoadFailed(errorMessage(error)))
  }
})

export const loadConversations = createAppThunk('conversations/loadList', async (_: void, { dispatch, extra }) => {
  dispatch(listLoadStarted())
  try {
    dispatch(listLoaded(await extra.api.requests['conversations.list']({})))
  } catch (error) {
    dispatch(listLoadFailed(errorMessage(error)))
  }
})

export const loadConversation = createAppThunk(
  'conversations/load',
  async ({ conversationId }: { conversationId: string; force?: boolean }, { dispatch, extra }) => {
    dispatch(conversationLoadStarted(conversationId))
    const [conversation, actions] = await Promise.allSettled([
      extra.api.requests['conversations.get']({ conversationId }),
      extra.api.requests['actions.forConversation']({ conversationId })
    ])
    if (actions.status === 'fulfilled') dispatch(actionsLoaded(actions.value))
    if (conversation.status === 'fulfilled') dispatch(conversationLoaded(conversation.value))
    else dispatch(conversationLoadFailed({ conversationId, message: errorMessage(conversation.reason) }))
  },
  {
    condition: ({ conversationId, force }, { getState }) =>
      force === true || getState().conversations.loaded[conversationId] === undefined || getState().conversations.loaded[conversationId] === 'error'
  }
)

/** The inbox's first page (`reset`) or its next one. Main pages it; the renderer never asks for all. */
export const loadInboxPage = createAppThunk('inbox/loadPage', async ({ reset }: { reset: boolean }, { dispatch, getState, extra }) => {
  const state = getState()
  const inbox = state.inbox
  if (!reset && (inbox.nextCursor === null || inbox.status === 'loading')) return
  const generation = reset ? inbox.generation + 1 : inbox.generation
  const sort = state.ui.inboxSort
  dispatch(inboxPageRequested({ generation, reset }))
  try {
    const page = await extra.api.requests['actions.inboxPage']({
      list: inbox.list,
      ...(inbox.list === 'waiting' ? { sort } : { filter: inbox.filter }),
      ...(!reset && inbox.nextCursor ? { cursor: inbox.nextCursor } : {}),
      limit: INBOX_PAGE_SIZE
    })
    dispatch(actionsLoaded(page.items))
    dispatch(inboxPageLoaded({ generation, page, sort }))
  } catch (error) {
    dispatch(inboxPageFailed({ generation, message: errorMessage(error) }))
  }
})

/** How many actions wait, without fetching them. */
export const refreshWaitingCount = createAppThunk('inbox/refreshCount', async (_: void, { dispatch, extra }) => {
  try {
    const page = await extra.api.requests['actions.inboxPage']({ list: 'waiting', limit: 0 })
    dispatch(waitingTotalChanged(page.total))
  } catch {
    // The badge keeps its last known count; the next change or reconnect refreshes it.
  }
})

export const loadSettings = createAppThunk('settings/load', async (_: void, { dispatch, extra }) => {
  dispatch(settingsLoadStarted())
  try {
    dispatch(settingsChanged(await extra.api.requests['settings.get']({})))
  } catch (error) {
    dispatch(settingsLoadFailed(errorMessage(error)))
  }
})

export const createConversation = createAppThunk('conversations/create', async (_: void, { dispatch, extra }) => {
  const summary = await extra.api.requests['conversations.create']({})
  dispatch(conversationChanged(summary))
  dispatch(conversationLoaded({ ...summary, entries: [] }))
  dispatch(viewSelected({ kind: 'conversation', conversationId: summary.id }))
  dispatch(composerFocusRequested())
  return summary
})

/** Sends the composer's text; from the home view this first starts a conversation. The draft
 *  is cleared only once main has accepted the message (main then pushes the user's entry). */
export const sendMessage = createAppThunk(
  'conversations/send',
  async ({ conversationId, text }: { conversationId: string | null; text: string }, { dispatch, extra }) => {
    let id = conversationId
    try {
      if (id === null) {
        id = (await dispatch(createConversation()).unwrap()).id
        // The text moves with the user into the new conversation, so if sending fails (the
        // headless host went away) it is still in the composer they now see, with the reason.
        dispatch(draftChanged({ key: id, text }))
        dispatch(draftChanged({ key: '', text: '' }))
      }
      await extra.api.requests['conversations.send']({ conversationId: id, text })
    } catch (error) {
      dispatch(sendErrorChanged({ key: id ?? '', message: errorMessage(error) }))
      throw error
    }
    dispatch(draftChanged({ key: id, text: '' }))
    return id
  }
)

export const stopConversation = createAppThunk('conversations/stop', async (conversationId: string, { extra }) => {
  await extra.api.requests['conversations.stop']({ conversationId })
})

export const retryConversation = createAppThunk('conversations/retry', async (conversationId: string, { extra }) => {
  await extra.api.requests['conversations.retry']({ conversationId })
})

/** The person's edit of a waiting proposal; main answers with the new card (the edited one is replaced). */
export const editAction = createAppThunk('actions/edit', async (input: RequestInput<'actions.edit'>, { dispatch, extra }) => {
  const view = await extra.api.requests['actions.edit'](input)
  dispatch(actionChanged(view))
  return view
})

/** Proposes an expired action afresh; the new card appears in its conversation. */
export const askAgain = createAppThunk('actions/askAgain', async (actionId: string, { dispatch, extra }) => {
  const view = await extra.api.requests['actions.askAgain']({ actionId })
  dispatch(actionChanged(view))
  return view
})

export const renameConversation = createAppThunk('conversations/rename', async (input: { conversationId: string; title: string }, { dispatch, extra }) => {
  const summary = await extra.api.requests['conversations.rename'](input)
  dispatch(conversationChanged(summary))
  return summary
})

/** Main refuses while an action in it waits or runs, and says so; the audit trail is kept either way. */
export const deleteConversation = createAppThunk('conversations/delete', async (conversationId: string, { dispatch, extra }) => {
  await extra.api.requests['conversations.delete']({ conversationId })
  dispatch(conversationRemoved({ conversationId }))
})

export const searchConversations = createAppThunk('conversations/search', async (query: string, { extra }) => {
  return extra.api.requests['conversations.search']({ query })
})

/** Keeps a stopped answer, so the model reads it as what it said; main pushes the updated entry. */
export const keepStoppedAnswer = createAppThunk('conversations/keepStopped', async (input: { conversationId: string; entryId: string }, { extra }) => {
  await extra.api.requests['conversations.keepStopped'](input)
})

/** A decision names the action and the hash shown on its card. */
export const decideAction = createAppThunk('actions/decide', async (input: RequestInput<'actions.decide'>, { dispatch, extra }) => {
  const view = await extra.api.requests['actions.decide'](input)
  dispatch(actionChanged(view))
  return view
})

export const settleAction = createAppThunk('actions/settle', async (input: RequestInput<'actions.settle'>, { dispatch, extra }) => {
  const view = await extra.api.requests['actions.settle'](input)
  dispatch(actionChanged(view))
  return view
})

export const setConfirmation = createAppThunk(
  'settings/setConfirmation',
  async (input: RequestInput<'settings.setConfirmation'>, { dispatch, extra }) => {
    dispatch(settingsChanged(await extra.api.requests['settings.setConfirmation'](input)))
  }
)

export const setExpiryHours = createAppThunk('settings/setExpiryHours', async (hours: number, { dispatch, extra }) => {
  dispatch(settingsChanged(await extra.api.requests['settings.setExpiryHours']({ hours })))
})

export const signIn = createAppThunk('accounts/signIn', async (input: RequestInput<'accounts.signIn'>, { dispatch, extra }) => {
  dispatch(appChanged(await extra.api.requests['accounts.signIn'](input)))
})

export const switchAccount = createAppThunk('accounts/switch', async (accountId: string, { dispatch, extra }) => {
  dispatch(appChanged(await extra.api.requests['accounts.switch']({ accountId })))
})

export const signOut = createAppThunk('accounts/signOut', async (accountId: string, { dispatch, extra }) => {
  dispatch(appChanged(await extra.api.requests['accounts.signOut']({ accountId })))
})

/** Holds a choice aside for consent, or saves it at once when consent is already on record. */
export const prepareProvider = createAppThunk('providers/prepare', async (input: RequestInput<'providers.prepare'>, { dispatch, extra }) => {
  const result = await extra.api.requests['providers.prepare'](input)
  if (result.status === 'saved') dispatch(providerChanged(result.view))
  return result
})

export const selectProviderProfile = createAppThunk('providers/select', async (profileId: string, { dispatch, extra }) => {
  const result = await extra.api.requests['providers.select']({ profileId })
  if (result.status === 'saved') dispatch(providerChanged(result.view))
  return result
})

export const consentToProvider = createAppThunk(
  'providers/consent',
  async (input: RequestInput<'providers.consent'>, { dispatch, extra }) => {
    dispatch(providerChanged(await extra.api.requests['providers.consent'](input)))
  }
)

/** Cancel on the consent screen: main discards the held choice (and its key); nothing changed. */
export const cancelProviderChoice = createAppThunk('providers/cancel', async (_: void, { dispatch, extra }) => {
  dispatch(providerChanged(await extra.api.requests['providers.cancel']({})))
})

export const deleteProviderProfile = createAppThunk('providers/deleteProfile', async (profileId: string, { dispatch, extra }) => {
  dispatch(providerChanged(await extra.api.requests['providers.deleteProfile']({ profileId })))
})

export const withdrawConsent = createAppThunk('providers/withdrawConsent', async (profileId: string | undefined, { dispatch, extra }) => {
  dispatch(providerChanged(await extra.api.requests['providers.withdrawConsent'](profileId ? { profileId } : {})))
})

export const useDemoProvider = createAppThunk('providers/useDemo', async (_: void, { dispatch, extra }) => {
  dispatch(providerChanged(await extra.api.requests['providers.useDemo']({})))
})

/** The endpoint's own model list (main refuses it before consent). */
export const listProviderModels = createAppThunk('providers/listModels', async (profileId: string, { extra }) => {
  return (await extra.api.requests['providers.listModels']({ profileId })).map((m) => m.id)
})

export const testProviderConnection = createAppThunk('providers/testConnection', async (profileId: string, { extra }) => {
  return await extra.api.requests['providers.testConnection']({ profileId })
})

export const loadConversationProfile = createAppThunk('providers/conversationProfile', async (conversationId: string, { extra }) => {
  return (await extra.api.requests['providers.conversationProfile']({ conversationId })).profileId
})

export const setConversationProfile = createAppThunk(
  'providers/setConversationProfile',
  async (input: RequestInput<'providers.setConversationProfile'>, { extra }) => {
    await extra.api.requests['providers.setConversationProfile'](input)
    return input.profileId
  }
)

/** The organisation policy stored in the CRM, for its administrator. */
export const loadAdminPolicy = createAppThunk('admin/load', async (_: void, { extra }) => {
  return await extra.api.requests['admin.getPolicy']({})
})

export const saveAdminPolicy = createAppThunk('admin/save', async (input: RequestInput<'admin.savePolicy'>, { dispatch, extra }) => {
  const view = await extra.api.requests['admin.savePolicy'](input)
  // The new rules apply to this user too: what Settings shows has changed.
  await dispatch(loadSettings())
  return view
})

/** After the transport came back: everything main may have changed meanwhile. */
/** After the client gave up looking for the headless host: look again. */
export const retryConnection = createAppThunk('connection/retry', async (_: void, { extra }) => {
  extra.connection?.retry()
})

export const refreshAll = createAppThunk('app/refreshAll', async (_: void, { dispatch, getState }) => {
  await dispatch(loadAppState())
  const state = getState()
  if (!state.app.state?.user) return
  const view = state.ui.view
  await Promise.all([
    dispatch(loadConversations()),
    dispatch(refreshWaitingCount()),
    view.kind === 'inbox' ? dispatch(loadInboxPage({ reset: true })) : null,
    state.settings.status !== 'idle' ? dispatch(loadSettings()) : null,
    view.kind === 'conversation' ? dispatch(loadConversation({ conversationId: view.conversationId, force: true })) : null
  ])
})

/** A confirmed link from an answer: main checks it and opens it, or says how. */
export const openExternal = createAppThunk('app/openExternal', async (url: string, { extra }) => {
  return await extra.api.requests['app.openExternal']({ url })
})
