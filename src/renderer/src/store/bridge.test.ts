import { describe, expect, it } from 'vitest'
import { action, appState, assistantEntry, conversation, toolEntry, userEntry } from '../test/fixtures'
import { createFakeApi } from '../test/fakeApi'
import { flush, setup } from '../test/render'
import { EVENT_NAMES } from '../api/names'
import { entriesAdapter } from './conversationsSlice'
import { selectWaitingCount } from './selectors'
import { eventActions, startBridge } from './bridge'
import { createAppStore } from '.'
import { loadAppState, loadConversation } from './thunks'

const entryIds = (state: ReturnType<ReturnType<typeof setup>['store']['getState']>, id: string) =>
  entriesAdapter.getSelectors().selectAll(state.conversations.entries[id]).map((e) => e.id)

describe('bridge', () => {
  it('subscribes to every contract event and unsubscribes from all', () => {
    const fake = createFakeApi()
    const store = createAppStore(fake.api)
    const stop = startBridge(fake.api, store.dispatch)
    expect(Object.keys(eventActions).sort()).toEqual([...EVENT_NAMES].sort())
    for (const name of EVENT_NAMES) expect(fake.listenerCount(name)).toBe(1)
    stop()
    for (const name of EVENT_NAMES) expect(fake.listenerCount(name)).toBe(0)
  })

  it('maps events to past-tense actions', () => {
    expect(eventActions['action.changed'](action()).type).toBe('actions/actionChanged')
    expect(eventActions['conversation.entry']({ conversationId: 'c1', entry: userEntry('e1', 'hi') }).type).toBe('conversations/entryUpserted')
    expect(eventActions['conversation.changed'](conversation()).type).toBe('conversations/conversationChanged')
    expect(eventActions['app.changed'](appState()).type).toBe('app/appChanged')
    expect(eventActions['ui.focusAction']({ actionId: 'a', conversationId: 'c' }).type).toBe('ui/focusRequested')
  })

  it("the tray's Inbox item (ui.showInbox) opens the inbox view", () => {
    const fake = createFakeApi()
    const store = createAppStore(fake.api)
    startBridge(fake.api, store.dispatch)
    expect(store.getState().ui.view.kind).not.toBe('inbox')
    fake.emit('ui.showInbox', {})
    expect(store.getState().ui.view).toEqual({ kind: 'inbox' })
  })

  it('upserts entries by id, keeping the order of first appearance', () => {
    const { fake, store } = setup()
    fake.emit('conversation.entry', { conversationId: 'c1', entry: userEntry('e1', 'Show overdue invoices') })
    fake.emit('conversation.entry', { conversationId: 'c1', entry: assistantEntry('e2', 'Look', true) })
    fake.emit('conversation.entry', { conversationId: 'c1', entry: toolEntry({ id: 'e3', status: 'running' }) })
    fake.emit('conversation.entry', { conversationId: 'c1', entry: assistantEntry('e2', 'Looking them up…', false) })
    fake.emit('conversation.entry', { conversationId: 'c1', entry: toolEntry({ id: 'e3', status: 'done', resultText: '3 invoices' }) })
    const state = store.getState()
    expect(entryIds(state, 'c1')).toEqual(['e1', 'e2', 'e3'])
    const entities = state.conversations.entries.c1.entities
    expect(entities.e2).toMatchObject({ text: 'Looking them up…', streaming: false })
    expect(entities.e3).toMatchObject({ status: 'done', resultText: '3 invoices' })
  })

  it('keeps actions keyed by id and recounts what waits from main after a burst of changes, asking once', async () => {
    let waiting = 2
    const fake = createFakeApi({ 'actions.inboxPage': async () => ({ items: [], total: waiting, nextCursor: null }) })
    const { store } = setup(fake)
    fake.emit('action.changed', action({ id: 'a1', createdAt: 1 }))
    fake.emit('action.changed', action({ id: 'a2', createdAt: 2, state: 'outcome_unknown' }))
    fake.emit('action.changed', action({ id: 'a3', createdAt: 3, state: 'succeeded' }))
    await new Promise((r) => setTimeout(r, 250))
    expect(fake.handlers['actions.inboxPage']).toHaveBeenCalledTimes(1)
    expect(fake.handlers['actions.inboxPage']).toHaveBeenCalledWith({ list: 'waiting', limit: 0 })
    expect(selectWaitingCount(store.getState())).toBe(2)
    waiting = 1
    fake.emit('action.changed', action({ id: 'a1', createdAt: 1, state: 'approved' }))
    await new Promise((r) => setTimeout(r, 250))
    expect(store.getState().actions.entities.a1.state).toBe('approved')
    expect(selectWaitingCount(store.getState())).toBe(1)
  })

  it('applies conversation and app changes', () => {
    const { fake, store } = setup()
    fake.emit('conversation.changed', conversation({ id: 'c1', status: 'running' }))
    fake.emit('conversation.changed', conversation({ id: 'c2', updatedAt: 5000, title: 'Newer' }))
    expect(store.getState().conversations.ids).toEqual(['c2', 'c1'])
    expect(store.getState().conversations.entities.c1.status).toBe('running')
    fake.emit('app.changed', appState({ sessionProblem: 'The CRM server is not answering.' }))
    expect(store.getState().app.state?.sessionProblem).toBe('The CRM server is not answering.')
  })

  it('a snapshot keeps entries pushed after it was taken', async () => {
    const fake = createFakeApi({
      'conversations.get': async () => ({ ...conversation(), entries: [userEntry('e1', 'one'), assistantEntry('e2', 'two')] })
    })
    const { store } = setup(fake)
    fake.emit('conversation.entry', { conversationId: 'c1', entry: toolEntry({ id: 'e3' }) })
    await store.dispatch(loadConversation({ conversationId: 'c1' }))
    expect(entryIds(store.getState(), 'c1')).toEqual(['e1', 'e2', 'e3'])
  })

  it('a focus request opens the conversation, loads it and targets the card', async () => {
    const fake = createFakeApi({
      'conversations.get': async ({ conversationId }) => ({ ...conversation({ id: conversationId }), entries: [toolEntry()] }),
      'actions.forConversation': async () => [action()]
    })
    const { store } = setup(fake)
    fake.emit('ui.focusAction', { actionId: 'act-1', conversationId: 'c9' })
    await flush()
    const state = store.getState()
    expect(state.ui.view).toEqual({ kind: 'conversation', conversationId: 'c9' })
    expect(fake.handlers['conversations.get']).toHaveBeenCalledWith({ conversationId: 'c9' })
    expect(state.ui.scrollTarget).toMatchObject({ actionId: 'act-1', conversationId: 'c9' })
    expect(state.actions.entities['act-1']).toBeDefined()
  })

  it('after sign-in, reloads conversations, inbox and settings; signing out clears them', async () => {
    const fake = createFakeApi({
      'app.getState': async () => appState({ user: null, account: null }),
      'conversations.list': async () => [conversation()],
      'actions.inboxPage': async () => ({ items: [], total: 1, nextCursor: null })
    })
    const { store } = setup(fake)
    await store.dispatch(loadAppState())
    await flush()
    expect(fake.handlers['conversations.list']).not.toHaveBeenCalled()
    fake.emit('app.changed', appState())
    await flush()
    expect(fake.handlers['conversations.list']).toHaveBeenCalledTimes(1)
    expect(fake.handlers['actions.inboxPage']).toHaveBeenCalledTimes(1)
    expect(fake.handlers['settings.get']).toHaveBeenCalledTimes(1)
    expect(store.getState().conversations.ids).toEqual(['c1'])
    expect(selectWaitingCount(store.getState())).toBe(1)
    // The same user's state pushed again reloads nothing.
    fake.emit('app.changed', appState({ sessionProblem: 'x' }))
    await flush()
    expect(fake.handlers['conversations.list']).toHaveBeenCalledTimes(1)
    fake.emit('app.changed', appState({ user: null, account: null }))
    await flush()
    expect(store.getState().conversations.ids).toEqual([])
    expect(selectWaitingCount(store.getState())).toBe(0)
  })

  it('refetches everything when the connection comes back', async () => {
    const fake = createFakeApi()
    const { store } = setup(fake)
    await store.dispatch(loadAppState())
    await flush()
    const before = fake.handlers['app.getState'].mock.calls.length
    store.dispatch({ type: 'connection/connectionChanged', payload: 'closed' })
    store.dispatch({ type: 'connection/connectionChanged', payload: 'connecting' })
    expect(fake.handlers['app.getState'].mock.calls.length).toBe(before)
    store.dispatch({ type: 'connection/connectionChanged', payload: 'open' })
    await flush()
    expect(fake.handlers['app.getState'].mock.calls.length).toBe(before + 1)
    expect(fake.handlers['actions.inboxPage'].mock.calls.length).toBeGreaterThanOrEqual(2)
  })
})
