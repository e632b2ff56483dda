// Defect 4: a failed answer's partial text is dropped by main; the window is told and drops it too.
import { describe, expect, it } from 'vitest'
import { assistantEntry, conversation, userEntry } from '../test/fixtures'
import { createFakeApi } from '../test/fakeApi'
import { setup } from '../test/render'
import { eventActions } from './bridge'
import { entriesAdapter } from './conversationsSlice'
import { loadConversation } from './thunks'

const entries = (state: ReturnType<ReturnType<typeof setup>['store']['getState']>, id: string) =>
  entriesAdapter.getSelectors().selectAll(state.conversations.entries[id]!)

describe('conversation.entryRemoved', () => {
  it('maps to a past-tense action', () => {
    expect(eventActions['conversation.entryRemoved']({ conversationId: 'c1', entryId: 'e2' }).type).toBe('conversations/entryRemoved')
  })

  it('removes the streaming partial answer, keeps the rest, and a later snapshot does not bring it back', async () => {
    const fake = createFakeApi({
      'conversations.get': async () => ({ ...conversation({ status: 'error' }), entries: [userEntry('e1', 'Show my deals')] })
    })
    const { store } = setup(fake)
    fake.emit('conversation.entry', { conversationId: 'c1', entry: userEntry('e1', 'Show my deals') })
    fake.emit('conversation.entry', { conversationId: 'c1', entry: assistantEntry('e2', 'Here are your de', true) })
    expect(entries(store.getState(), 'c1').map((e) => e.id)).toEqual(['e1', 'e2'])

    fake.emit('conversation.entryRemoved', { conversationId: 'c1', entryId: 'e2' })
    expect(entries(store.getState(), 'c1').map((e) => e.id)).toEqual(['e1'])
    expect(entries(store.getState(), 'c1').some((e) => e.kind === 'assistant' && e.streaming)).toBe(false)

    await store.dispatch(loadConversation({ conversationId: 'c1', force: true }))
    expect(entries(store.getState(), 'c1').map((e) => e.id)).toEqual(['e1'])

    // A successful retry's answer then appears alone.
    fake.emit('conversation.entry', { conversationId: 'c1', entry: assistantEntry('e3', 'Here are your deals.', false) })
    expect(entries(store.getState(), 'c1').map((e) => e.id)).toEqual(['e1', 'e3'])
  })

  it('ignores a removal for a conversation or entry it does not hold', () => {
    const { fake, store } = setup()
    fake.emit('conversation.entry', { conversationId: 'c1', entry: userEntry('e1', 'hi') })
    fake.emit('conversation.entryRemoved', { conversationId: 'c9', entryId: 'e1' })
    fake.emit('conversation.entryRemoved', { conversationId: 'c1', entryId: 'nope' })
    expect(entries(store.getState(), 'c1').map((e) => e.id)).toEqual(['e1'])
  })
})
