import { act, cleanup, fireEvent, screen, within } from '@testing-library/react'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { action, appState, assistantEntry, conversation, signedOut, toolEntry, userEntry } from './test/fixtures'
import { createFakeApi } from './test/fakeApi'
import { flush, renderWithStore, setup } from './test/render'
import { App } from './App'
import { loadAppState } from './store/thunks'
import type { Entry } from '../../shared/domain'

afterEach(cleanup)
beforeEach(() => localStorage.clear())

async function start(fake = createFakeApi()) {
  const { store } = setup(fake)
  renderWithStore(<App />, store)
  await act(async () => {
    await store.dispatch(loadAppState())
    await flush()
  })
  return { fake, store }
}

describe('first run', () => {
  it('offers the sample users and signs in as one', async () => {
    const fake = createFakeApi({ 'app.getState': async () => signedOut(), 'accounts.signIn': async () => appState() })
    await start(fake)
    expect(screen.getByText('Explore with the sample workspace — no account needed')).toBeTruthy()
    expect(screen.getByTestId('sample-user-sam').textContent).toContain('Sales rep')
    await act(async () => {
      fireEvent.click(screen.getByTestId('sample-user-fiona'))
      await flush()
    })
    expect(fake.handlers['accounts.signIn']).toHaveBeenCalledWith({ kind: 'sample', login: 'fiona' })
    expect(fake.handlers['conversations.list']).toHaveBeenCalled()
    expect(fake.handlers['actions.inboxPage']).toHaveBeenCalled()
    expect(screen.getByTestId('new-conversation')).toBeTruthy()
    expect(screen.getByTestId('current-user').textContent).toContain('Fiona Finch')
  })

  it('signs in to Tryton and shows the error message', async () => {
    const fake = createFakeApi({
      'app.getState': async () => signedOut(),
      'accounts.signIn': async () => {
        throw new Error('Wrong login or password.')
      }
    })
    await start(fake)
    fireEvent.change(screen.getByTestId('tryton-url'), { target: { value: 'http://127.0.0.1:8000' } })
    fireEvent.change(screen.getByTestId('tryton-db'), { target: { value: 'crm' } })
    fireEvent.change(screen.getByTestId('tryton-login'), { target: { value: 'alice' } })
    fireEvent.change(screen.getByTestId('tryton-password'), { target: { value: 'nope' } })
    await act(async () => {
      fireEvent.click(screen.getByTestId('tryton-signin'))
      await flush()
    })
    expect(fake.handlers['accounts.signIn']).toHaveBeenCalledWith({
      kind: 'tryton',
      serverUrl: 'http://127.0.0.1:8000',
      database: 'crm',
      login: 'alice',
      password: 'nope'
    })
    expect(screen.getByTestId('signin-error').textContent).toBe('Wrong login or password.')
  })

  it('shows a session problem with a retry', async () => {
    const fake = createFakeApi({ 'app.getState': async () => ({ ...signedOut(), sessionProblem: 'Your system keychain is locked.' }) })
    await start(fake)
    expect(screen.getByTestId('session-problem').textContent).toContain('Your system keychain is locked.')
    await act(async () => {
      fireEvent.click(screen.getByTestId('session-retry'))
      await flush()
    })
    expect(fake.handlers['app.getState']).toHaveBeenCalledTimes(2)
  })
})

describe('main layout', () => {
  it('shows the demo banner with its examples, and access denied instead of the chat', async () => {
    const { fake } = await start()
    const banner = screen.getByTestId('demo-banner')
    expect(banner.textContent).toContain('It is not an AI model.')
    expect(banner.textContent).toContain('Show overdue invoices')
    await act(async () => fake.emit('app.changed', appState({ allowed: false, accessReason: 'Your administrator has not enabled Countersign for you.' })))
    expect(screen.getByTestId('access-denied').textContent).toContain('Your administrator has not enabled Countersign for you.')
    expect(screen.queryByTestId('composer-input')).toBeNull()
  })

  it('lists conversations with status and counts what waits in the inbox', async () => {
    const fake = createFakeApi({
      'conversations.list': async () => [conversation({ id: 'c1', status: 'waiting' }), conversation({ id: 'c2', title: 'Invoices', status: 'running', updatedAt: 3000 })],
      'actions.inboxPage': async () => ({ items: [], total: waiting, nextCursor: null })
    })
    let waiting = 2
    await start(fake)
    const items = screen.getAllByTestId('conversation-item')
    expect(items.map((i) => i.querySelector('.conversation-item__title')!.textContent)).toEqual(['Invoices', 'Deals this week'])
    expect(items[0].textContent).toContain('Working')
    expect(items[0].getAttribute('data-status')).toBe('running')
    expect(screen.getByTestId('inbox-count').textContent).toBe('2')
    // Main recounts after each change (the inbox is paged; the renderer does not hold every action).
    waiting = 1
    await act(async () => {
      fake.emit('action.changed', action({ id: 'a1', state: 'approved' }))
      await new Promise((r) => setTimeout(r, 250))
    })
    expect(screen.getByTestId('inbox-count').textContent).toBe('1')
    waiting = 0
    await act(async () => {
      fake.emit('action.changed', action({ id: 'a2', state: 'succeeded' }))
      await new Promise((r) => setTimeout(r, 250))
    })
    expect(screen.getByTestId('inbox-count').textContent).toBe('0')
    expect(screen.getByTestId('inbox-count').hidden).toBe(true)
  })

  it("inbox: compact rows in main's order, sorted by time left by default, expanding to the full card with a link to its conversation", async () => {
    const soon = action({ id: 'soon', createdAt: 1, expiresAt: Date.now() + 2 * 3_600_000 })
    const later = action({ id: 'later', createdAt: 2 })
    const fake = createFakeApi({
      'conversations.list': async () => [conversation()],
      'actions.inboxPage': async (input) => ({
        items: input.sort === 'newest' ? [later, soon] : [soon, later],
        total: 2,
        nextCursor: null
      }),
      'conversations.get': async () => ({ ...conversation(), entries: [toolEntry({ actionId: 'later', toolCallId: 'x' })] })
    })
    const { store } = await start(fake)
    await act(async () => {
      fireEvent.click(screen.getByTestId('nav-inbox'))
      await flush()
    })
    expect(fake.handlers['actions.inboxPage']).toHaveBeenLastCalledWith({ list: 'waiting', sort: 'time_left', limit: 50 })
    const rows = screen.getAllByTestId('inbox-item')
    expect(rows.map((r) => r.getAttribute('data-action-id'))).toEqual(['soon', 'later'])
    // Less than three hours left looks different and says so.
    expect(rows[0].getAttribute('data-urgent')).toBe('true')
    expect(within(rows[0]).getByTestId('inbox-row-time').textContent).toMatch(/Less than 3 h left/)
    expect(rows[1].getAttribute('data-urgent')).toBe('false')
    expect(screen.queryAllByTestId('approval-card')).toHaveLength(0)
    await act(async () => {
      fireEvent.change(screen.getByTestId('inbox-sort'), { target: { value: 'newest' } })
      await flush()
    })
    expect(fake.handlers['actions.inboxPage']).toHaveBeenLastCalledWith({ list: 'waiting', sort: 'newest', limit: 50 })
    expect(screen.getAllByTestId('inbox-item').map((r) => r.getAttribute('data-action-id'))).toEqual(['later', 'soon'])
    fireEvent.click(within(screen.getAllByTestId('inbox-item')[0]).getByTestId('inbox-row-toggle'))
    const card = screen.getByTestId('approval-card')
    expect(card.getAttribute('data-action-id')).toBe('later')
    await act(async () => {
      fireEvent.click(within(card).getByText('Open conversation'))
      await flush()
    })
    expect(store.getState().ui.view).toEqual({ kind: 'conversation', conversationId: 'c1' })
    cleanup()
    await start()
    await act(async () => {
      fireEvent.click(screen.getByTestId('nav-inbox'))
      await flush()
    })
    expect(screen.getByTestId('inbox-empty').textContent).toContain('Nothing is waiting for you')
  })

  it('inbox: the Decided list asks main with its filter; a card decided while waiting stays in view', async () => {
    const fake = createFakeApi({
      'actions.inboxPage': async (input) =>
        input.list === 'decided'
          ? { items: [action({ id: 'gone', state: input.filter === 'expired' ? 'expired' : 'declined' })], total: 1, nextCursor: null }
          : { items: [action({ id: 'w1' })], total: 1, nextCursor: null }
    })
    await start(fake)
    await act(async () => {
      fireEvent.click(screen.getByTestId('nav-inbox'))
      await flush()
    })
    await act(async () => fake.emit('action.changed', action({ id: 'w1', state: 'declined' })))
    expect(screen.getAllByTestId('inbox-item')[0].getAttribute('data-state')).toBe('declined')
    await act(async () => {
      fireEvent.click(screen.getByTestId('inbox-tab-decided'))
      await flush()
    })
    expect(fake.handlers['actions.inboxPage']).toHaveBeenLastCalledWith({ list: 'decided', filter: 'all', limit: 50 })
    await act(async () => {
      fireEvent.change(screen.getByTestId('inbox-filter'), { target: { value: 'expired' } })
      await flush()
    })
    expect(fake.handlers['actions.inboxPage']).toHaveBeenLastCalledWith({ list: 'decided', filter: 'expired', limit: 50 })
    expect(screen.getAllByTestId('inbox-item')[0].getAttribute('data-state')).toBe('expired')
  })

  it('a new conversation takes the composer; Enter sends, Shift+Enter does not', async () => {
    const fake = createFakeApi({ 'conversations.create': async () => conversation({ id: 'c7', title: '' }) })
    await start(fake)
    await act(async () => {
      fireEvent.click(screen.getByTestId('new-conversation'))
      await flush()
    })
    const input = screen.getByTestId('composer-input') as HTMLTextAreaElement
    fireEvent.change(input, { target: { value: 'Show overdue invoices' } })
    fireEvent.keyDown(input, { key: 'Enter', shiftKey: true })
    expect(fake.handlers['conversations.send']).not.toHaveBeenCalled()
    await act(async () => {
      fireEvent.keyDown(input, { key: 'Enter' })
      await flush()
    })
    expect(fake.handlers['conversations.send']).toHaveBeenCalledWith({ conversationId: 'c7', text: 'Show overdue invoices' })
    expect(input.value).toBe('')
  })

  it('keeps the draft and shows the error when sending is refused', async () => {
    const fake = createFakeApi({
      'conversations.create': async () => conversation({ id: 'c7' }),
      'conversations.send': async () => {
        throw new Error('No AI provider is ready.')
      }
    })
    await start(fake)
    await act(async () => {
      fireEvent.click(screen.getByTestId('new-conversation'))
      await flush()
    })
    fireEvent.change(screen.getByTestId('composer-input'), { target: { value: 'hello' } })
    await act(async () => {
      fireEvent.click(screen.getByTestId('composer-send'))
      await flush()
    })
    expect(screen.getByTestId('composer-error').textContent).toBe('No AI provider is ready.')
    expect((screen.getByTestId('composer-input') as HTMLTextAreaElement).value).toBe('hello')
  })
})

describe('conversation view', () => {
  const entries: Entry[] = [
    userEntry('e1', 'Move Acme renewal to Negotiation'),
    assistantEntry('e2', 'Sure. **Here** is <b>the</b> [plan](javascript:alert(1)).'),
    toolEntry({ id: 'e3', toolCallId: 'tc-read', ability: 'crm.search', title: 'Search records', effect: 'read', status: 'done', resultText: '1 deal found', actionId: null }),
    toolEntry({ id: 'e4' }),
    { kind: 'notice', id: 'e5', at: 5, level: 'error', text: 'The provider rate-limited us.', retryable: true }
  ]

  async function openConversation(status: 'idle' | 'running' = 'idle') {
    const fake = createFakeApi({
      'conversations.list': async () => [conversation({ status })],
      'conversations.get': async () => ({ ...conversation({ status }), entries }),
      'actions.forConversation': async () => [action()]
    })
    const ctx = await start(fake)
    await act(async () => {
      fireEvent.click(screen.getByTestId('conversation-item'))
      await flush()
    })
    return ctx
  }

  it('renders entries in order with the card right after its tool entry', async () => {
    await openConversation()
    const scroll = screen.getByTestId('conversation-scroll')
    const order = [...scroll.querySelectorAll('[data-testid]')]
      .map((el) => el.getAttribute('data-testid'))
      .filter((id) => ['entry-user', 'entry-assistant', 'entry-tool', 'entry-notice', 'approval-card'].includes(id!))
    expect(order).toEqual(['entry-user', 'entry-assistant', 'entry-tool', 'entry-tool', 'approval-card', 'entry-notice'])
    const tools = screen.getAllByTestId('entry-tool')
    expect(tools[0].getAttribute('data-status')).toBe('done')
    expect(tools[0].getAttribute('data-ability')).toBe('crm.search')
    expect(tools[1].getAttribute('data-status')).toBe('waiting')
    fireEvent.click(within(tools[0]).getByText('Show result'))
    expect(within(tools[0]).getByTestId('tool-result').textContent).toBe('1 deal found')
  })

  it('renders markdown safely: no raw HTML, links are not navigable', async () => {
    await openConversation()
    const assistant = screen.getByTestId('entry-assistant')
    expect(assistant.querySelector('strong')!.textContent).toBe('Here')
    expect(assistant.querySelector('b')).toBeNull()
    expect(assistant.querySelector('a')).toBeNull()
    expect(assistant.textContent).toContain('plan')
  })

  it('retry on an error notice calls conversations.retry', async () => {
    const { fake } = await openConversation()
    await act(async () => {
      fireEvent.click(screen.getByTestId('notice-retry'))
      await flush()
    })
    expect(fake.handlers['conversations.retry']).toHaveBeenCalledWith({ conversationId: 'c1' })
  })

  it('shows Stop while running and streams pushed entries in place', async () => {
    const { fake } = await openConversation('running')
    expect((screen.getByTestId('composer-send') as HTMLButtonElement).disabled).toBe(true)
    await act(async () => {
      fireEvent.click(screen.getByTestId('composer-stop'))
      await flush()
    })
    expect(fake.handlers['conversations.stop']).toHaveBeenCalledWith({ conversationId: 'c1' })
    await act(async () => fake.emit('conversation.entry', { conversationId: 'c1', entry: assistantEntry('e6', 'Stopp', true) }))
    await act(async () => fake.emit('conversation.entry', { conversationId: 'c1', entry: assistantEntry('e6', 'Stopped.', false) }))
    const assistants = screen.getAllByTestId('entry-assistant')
    expect(assistants).toHaveLength(2)
    expect(assistants[1].textContent).toContain('Stopped.')
    await act(async () => fake.emit('conversation.changed', conversation({ status: 'idle' })))
    expect(screen.queryByTestId('composer-stop')).toBeNull()
  })
})

describe('connection', () => {
  it('shows the disconnected banner when the host cannot be reached, even before the first connection', async () => {
    const fake = createFakeApi({ 'app.getState': () => new Promise(() => {}) })
    const { store } = setup(fake)
    store.dispatch({ type: 'connection/connectionChanged', payload: 'connecting' })
    renderWithStore(<App />, store)
    expect(screen.queryByTestId('disconnected-banner')).toBeNull()
    expect(screen.getByTestId('app-loading')).toBeTruthy()
    await act(async () => {
      store.dispatch({ type: 'connection/connectionChanged', payload: 'closed' })
    })
    expect(screen.getByTestId('disconnected-banner').textContent).toContain('Disconnected from Countersign — reconnecting…')
    await act(async () => {
      store.dispatch({ type: 'connection/connectionChanged', payload: 'open' })
    })
    expect(screen.queryByTestId('disconnected-banner')).toBeNull()
  })
})

describe('everyday comforts', () => {
  it('a demo example fills the composer; hiding the banner is remembered across a restart', async () => {
    const { store } = await start()
    fireEvent.click(screen.getAllByTestId('demo-example')[0])
    expect((screen.getByTestId('composer-input') as HTMLTextAreaElement).value).toBe('Show overdue invoices')
    expect(store.getState().ui.drafts['']).toBe('Show overdue invoices')
    fireEvent.click(screen.getByTestId('demo-banner-hide'))
    expect(screen.queryByTestId('demo-banner')).toBeNull()
    await flush()
    cleanup()
    await start()
    expect(screen.queryByTestId('demo-banner')).toBeNull()
  })

  it('the theme choice applies to the page and is remembered', async () => {
    await start()
    expect(document.documentElement.dataset.theme).toBe('system')
    await act(async () => {
      fireEvent.click(screen.getByTestId('nav-settings'))
      await flush()
    })
    await act(async () => {
      fireEvent.click(screen.getByTestId('theme-dark'))
      await flush()
    })
    expect(document.documentElement.dataset.theme).toBe('dark')
    cleanup()
    await start()
    expect(document.documentElement.dataset.theme).toBe('dark')
  })

  it('keyboard: Ctrl+Shift+E opens the inbox, Ctrl+, Settings, ? the shortcuts sheet; Ctrl+K focuses search', async () => {
    const { store } = await start()
    await act(async () => {
      fireEvent.keyDown(window, { key: 'E', ctrlKey: true, shiftKey: true })
      await flush()
    })
    expect(store.getState().ui.view).toEqual({ kind: 'inbox' })
    await act(async () => {
      fireEvent.keyDown(window, { key: ',', ctrlKey: true })
      await flush()
    })
    expect(store.getState().ui.view.kind).toBe('settings')
    fireEvent.keyDown(document.body, { key: '?' })
    expect(store.getState().ui.shortcutsOpen).toBe(true)
    expect(screen.getByTestId('shortcuts-sheet').textContent).toContain('Approve the focused card')
    fireEvent.keyDown(window, { key: 'k', ctrlKey: true })
    expect(document.activeElement).toBe(screen.getByTestId('conversation-search'))
  })

  it('searching conversations filters by title and says when nothing matches', async () => {
    const fake = createFakeApi({
      'conversations.list': async () => [conversation({ id: 'c1', title: 'Overdue invoices' }), conversation({ id: 'c2', title: 'Deals this week', updatedAt: 1 })]
    })
    await start(fake)
    fireEvent.change(screen.getByTestId('conversation-search'), { target: { value: 'deal' } })
    expect(screen.getAllByTestId('conversation-item').map((i) => i.getAttribute('data-conversation-id'))).toEqual(['c2'])
    fireEvent.change(screen.getByTestId('conversation-search'), { target: { value: 'zebra' } })
    expect(screen.queryAllByTestId('conversation-item')).toHaveLength(0)
    expect(screen.getByTestId('conversation-search-empty').textContent).toContain('zebra')
  })

  it('arrow keys move through the conversation list', async () => {
    const fake = createFakeApi({
      'conversations.list': async () => [conversation({ id: 'c1', title: 'A' }), conversation({ id: 'c2', title: 'B', updatedAt: 1 })]
    })
    await start(fake)
    const [first, second] = screen.getAllByTestId('conversation-item')
    first.focus()
    fireEvent.keyDown(first, { key: 'ArrowDown' })
    expect(document.activeElement).toBe(second)
    fireEvent.keyDown(second, { key: 'ArrowUp' })
    expect(document.activeElement).toBe(first)
  })

  it('a new card and a finished answer are announced in the live region', async () => {
    const { fake } = await start()
    await act(async () => fake.emit('action.changed', action({ id: 'a9', abilityTitle: 'Send an email' })))
    expect(screen.getByTestId('live-region').textContent).toContain('New approval request: Send an email')
    await act(async () => fake.emit('conversation.entry', { conversationId: 'c1', entry: assistantEntry('e1', 'Work', true) }))
    await act(async () => fake.emit('conversation.entry', { conversationId: 'c1', entry: assistantEntry('e1', 'Three invoices are overdue.', false) }))
    expect(screen.getByTestId('live-region').textContent).toContain('Three invoices are overdue.')
  })

  it('a link in an answer opens only after its address was confirmed, through main', async () => {
    const fake = createFakeApi({
      'conversations.get': async () => ({ ...conversation(), entries: [assistantEntry('e1', 'See [the guide](https://docs.example.com/guide).', false)] }),
      'conversations.list': async () => [conversation()],
      'app.openExternal': async ({ url }) => ({ outcome: 'refused' as const, reason: `Refused ${url}` })
    })
    await start(fake)
    await act(async () => {
      fireEvent.click(screen.getByTestId('conversation-item'))
      await flush()
    })
    const link = screen.getByTestId('answer-link')
    expect(link.textContent).toContain('https://docs.example.com/guide')
    fireEvent.click(link)
    const open = screen.getByTestId('link-open') as HTMLButtonElement
    expect(open.disabled).toBe(true)
    fireEvent.click(screen.getByTestId('link-confirm'))
    expect(open.disabled).toBe(false)
    await act(async () => {
      fireEvent.click(open)
      await flush()
    })
    expect(fake.handlers['app.openExternal']).toHaveBeenCalledWith({ url: 'https://docs.example.com/guide' })
    expect(screen.getByTestId('link-error').textContent).toBe('Refused https://docs.example.com/guide')
  })

  it('Esc stops an answer being written in the open conversation', async () => {
    const fake = createFakeApi({
      'conversations.list': async () => [conversation({ id: 'c1', status: 'running' })],
      'conversations.get': async () => ({ ...conversation({ id: 'c1', status: 'running' }), entries: [assistantEntry('e1', 'Looking', true)] })
    })
    await start(fake)
    await act(async () => {
      fireEvent.click(screen.getByTestId('conversation-item'))
      await flush()
    })
    await act(async () => {
      fireEvent.keyDown(window, { key: 'Escape' })
      await flush()
    })
    expect(fake.handlers['conversations.stop']).toHaveBeenCalledWith({ conversationId: 'c1' })
  })

  it('copy buttons copy the answer and a code block as text', async () => {
    const copied: string[] = []
    Object.defineProperty(navigator, 'clipboard', { configurable: true, value: { writeText: async (t: string) => void copied.push(t) } })
    const answer = 'Run this:\n\n```\nnpm test\n```'
    const fake = createFakeApi({
      'conversations.list': async () => [conversation()],
      'conversations.get': async () => ({ ...conversation(), entries: [assistantEntry('e1', answer, false)] })
    })
    await start(fake)
    await act(async () => {
      fireEvent.click(screen.getByTestId('conversation-item'))
      await flush()
    })
    const buttons = screen.getAllByTestId('copy-button')
    expect(buttons.map((b) => b.getAttribute('aria-label'))).toEqual(['Copy code', 'Copy answer'])
    await act(async () => {
      fireEvent.click(buttons[0])
      await flush()
    })
    await act(async () => {
      fireEvent.click(buttons[1])
      await flush()
    })
    expect(copied).toEqual(['npm test\n', answer])
    expect(buttons[1].textContent).toBe('Copied')
  })
})
