import { act, cleanup, screen } from '@testing-library/react'
import { afterEach, describe, expect, it, onTestFinished, vi } from 'vitest'
import type { Entry } from '../../../shared/domain'
import { action, assistantEntry, conversation, toolEntry, userEntry } from '../test/fixtures'
import { createFakeApi } from '../test/fakeApi'
import { flush, renderWithStore, setup } from '../test/render'
import { buildItems, ConversationView, VIRTUALIZE_AT } from './ConversationView'

afterEach(cleanup)

describe('buildItems', () => {
  it('puts each card after its tool entry, and cards of no entry we hold at the end', () => {
    const entries: Entry[] = [userEntry('u', 'x'), toolEntry({ id: 't1', toolCallId: 'tc-1', actionId: 'a1' }), assistantEntry('m', 'ok')]
    const items = buildItems(entries, [action({ id: 'a1', toolCallId: 'tc-1' }), action({ id: 'a3', toolCallId: 'tc-other' })])
    expect(items.map((i) => i.key)).toEqual(['e:u', 'e:t1', 'a:a1', 'e:m', 'a:a3'])
  })

  it('a superseded card becomes a note of what changed, and the fresh card takes its place (not above it)', () => {
    // As main leaves it after a supersede: the tool entry points at the fresh card.
    const entries: Entry[] = [userEntry('u', 'x'), toolEntry({ id: 't1', toolCallId: 'tc-1', actionId: 'a2' }), assistantEntry('m', 'ok')]
    const items = buildItems(entries, [
      action({ id: 'a1', toolCallId: 'tc-1', state: 'superseded', supersededBy: 'a2', createdAt: 1000 }),
      action({ id: 'a2', toolCallId: 'tc-1', createdAt: 2000 })
    ])
    expect(items.map((i) => i.key)).toEqual(['e:u', 'e:t1', 'r:a1', 'a:a2', 'e:m'])
  })
})

describe('long conversations', () => {
  it(`virtualises from ${VIRTUALIZE_AT} rows: only a window of them is in the DOM`, async () => {
    const entries: Entry[] = Array.from({ length: 400 }, (_, i) => (i % 2 ? assistantEntry(`m${i}`, `Answer ${i}`) : userEntry(`u${i}`, `Question ${i}`)))
    const fake = createFakeApi({ 'conversations.get': async () => ({ ...conversation(), entries }) })
    const { store } = setup(fake)
    // happy-dom has no layout: give elements a size so the virtualiser has a viewport.
    const spies = [
      vi.spyOn(HTMLElement.prototype, 'clientHeight', 'get').mockReturnValue(600),
      vi.spyOn(HTMLElement.prototype, 'clientWidth', 'get').mockReturnValue(800),
      vi.spyOn(HTMLElement.prototype, 'offsetHeight', 'get').mockReturnValue(80)
    ]
    onTestFinished(() => spies.forEach((spy) => spy.mockRestore()))
    renderWithStore(<ConversationView conversationId="c1" />, store)
    await act(async () => {
      store.dispatch({ type: 'ui/viewSelected', payload: { kind: 'conversation', conversationId: 'c1' } })
      await flush()
    })
    const rendered = screen.queryAllByTestId('entry-user').length + screen.queryAllByTestId('entry-assistant').length
    expect(rendered).toBeGreaterThan(0)
    expect(rendered).toBeLessThan(100)
    expect(document.querySelector('.conversation__items--virtual')).not.toBeNull()
  })
})
