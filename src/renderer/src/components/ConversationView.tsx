import { useVirtualizer } from '@tanstack/react-virtual'
import { useEffect, useLayoutEffect, useMemo, useRef, useState, type ReactNode, type RefObject } from 'react'
import type { ActionView, Entry } from '../../../shared/domain'
import { entriesAdapter } from '../store/conversationsSlice'
import { useAppDispatch, useAppSelector } from '../store/hooks'
import { selectActionsByConversation, selectConversationById } from '../store/selectors'
import { loadConversation } from '../store/thunks'
import { scrollTargetReached } from '../store/uiSlice'
import { ApprovalCard } from './ApprovalCard'
import { Composer } from './Composer'
import { ConversationMenu } from './ConversationMenu'
import { ConversationProviderPicker } from './ConversationProviderPicker'
import { ConversationUsage } from './TokenUsage'
import { EntryView } from './Entries'

/** Above this many rows the list is virtualised; below it, plain DOM is simpler and as fast. */
export const VIRTUALIZE_AT = 150

type Item =
  | { key: string; kind: 'entry'; entry: Entry }
  | { key: string; kind: 'card'; action: ActionView }
  /** A card replaced by a fresh one: a one-line note of what changed, right where the fresh card follows. */
  | { key: string; kind: 'replaced'; action: ActionView }

const entrySelectors = entriesAdapter.getSelectors()
const NO_ACTIONS: ActionView[] = []

/** Entries in order; each approval card right after the tool entry it belongs to; cards that
 *  belong to no entry we hold (e.g. a fresh card after a supersede) at the end. */
export function buildItems(entries: Entry[], actions: ActionView[]): Item[] {
  const items: Item[] = []
  const placed = new Set<string>()
  const byToolCall = new Map<string, ActionView[]>()
  for (const action of actions) {
    let list = byToolCall.get(action.toolCallId)
    if (!list) byToolCall.set(action.toolCallId, (list = []))
    list.push(action)
  }
  const byId = new Map(actions.map((a) => [a.id, a]))
  for (const entry of entries) {
    items.push({ key: `e:${entry.id}`, kind: 'entry', entry })
    if (entry.kind !== 'tool') continue
    const cards: ActionView[] = []
    const own = entry.actionId ? byId.get(entry.actionId) : undefined
    if (own) cards.push(own)
    for (const action of byToolCall.get(entry.toolCallId) ?? []) if (action !== own) cards.push(action)
    // Oldest first: a card that was replaced becomes a note, and the fresh card takes its place.
    cards.sort((a, b) => a.createdAt - b.createdAt)
    for (const action of cards) {
      if (placed.has(action.id)) continue
      placed.add(action.id)
      const replaced = action.state === 'superseded' && action.supersededBy !== null && cards.some((c) => c.id === action.supersededBy)
      items.push(replaced ? { key: `r:${action.id}`, kind: 'replaced', action } : { key: `a:${action.id}`, kind: 'card', action })
    }
  }
  for (const action of actions) {
    if (!placed.has(action.id)) items.push({ key: `a:${action.id}`, kind: 'card', action })
  }
  return items
}

export function ConversationView({ conversationId, disabled = false }: { conversationId: string; disabled?: boolean }) {
  const dispatch = useAppDispatch()
  const summary = useAppSelector((s) => selectConversationById(s, conversationId))
  const entriesState = useAppSelector((s) => s.conversations.entries[conversationId])
  const loadStatus = useAppSelector((s) => s.conversations.loaded[conversationId])
  const loadError = useAppSelector((s) => s.conversations.loadErrors[conversationId])
  const actions = useAppSelector((s) => selectActionsByConversation(s).get(conversationId) ?? NO_ACTIONS)
  const scrollTarget = useAppSelector((s) => s.ui.scrollTarget)

  const entries = useMemo(() => (entriesState ? entrySelectors.selectAll(entriesState) : []), [entriesState])
  const items = useMemo(() => buildItems(entries, actions), [entries, actions])

  const scrollRef = useRef<HTMLDivElement>(null)
  const stickToBottom = useRef(true)
  const [highlighted, setHighlighted] = useState<string | null>(null)
  const virtual = items.length >= VIRTUALIZE_AT
  const scrollToIndexRef = useRef<((index: number, align: 'center' | 'end') => void) | null>(null)

  useEffect(() => {
    stickToBottom.current = true
  }, [conversationId])

  // Keep the newest entry in view while the user is at the bottom (streaming included).
  const last = items[items.length - 1]
  const lastSignature = last ? `${last.key}:${last.kind === 'entry' && last.entry.kind === 'assistant' ? last.entry.text.length : ''}` : ''
  useLayoutEffect(() => {
    if (!stickToBottom.current || scrollTarget) return
    const el = scrollRef.current
    if (!el) return
    if (virtual && scrollToIndexRef.current) scrollToIndexRef.current(items.length - 1, 'end')
    else el.scrollTop = el.scrollHeight
  }, [items.length, lastSignature, virtual, scrollTarget])

  // Bring a requested card into view (notification click, "see the new card").
  useEffect(() => {
    if (!scrollTarget || scrollTarget.conversationId !== conversationId) return
    const index = items.findIndex((item) => item.kind === 'card' && item.action.id === scrollTarget.actionId)
    if (index < 0) return
    stickToBottom.current = false
    const reveal = () => {
      const el = scrollRef.current?.querySelector(`[data-action-id="${cssEscape(scrollTarget.actionId)}"]`)
      if (el && typeof (el as HTMLElement).scrollIntoView === 'function') (el as HTMLElement).scrollIntoView({ block: 'center' })
    }
    if (virtual && scrollToIndexRef.current) {
      scrollToIndexRef.current(index, 'center')
      requestAnimationFrame(reveal)
    } else reveal()
    setHighlighted(scrollTarget.actionId)
    dispatch(scrollTargetReached(scrollTarget.nonce))
  }, [scrollTarget, conversationId, items, virtual, dispatch])

  useEffect(() => {
    if (!highlighted) return
    const timer = setTimeout(() => setHighlighted(null), 2500)
    return () => clearTimeout(timer)
  }, [highlighted])

  const onScroll = () => {
    const el = scrollRef.current
    if (!el) return
    stickToBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < 80
  }

  const renderItem = (item: Item): ReactNode =>
    item.kind === 'entry' ? (
      <EntryView entry={item.entry} conversationId={conversationId} />
    ) : item.kind === 'replaced' ? (
      <div className="entry entry--card">
        <div className="card-replaced" data-testid="card-replaced" data-action-id={item.action.id} role="note">
          <strong>Card replaced:</strong> {item.action.error ?? 'Something on it changed after it was shown.'}
        </div>
      </div>
    ) : (
      <div className="entry entry--card">
        <ApprovalCard action={item.action} highlighted={highlighted === item.action.id} />
      </div>
    )

  const status = summary?.status ?? 'idle'

  return (
    <section className="conversation" aria-label={summary?.title ?? 'Conversation'}>
      <header className="view-header">
        <h1 className="view-header__title">{summary?.title || 'New conversation'}</h1>
        <ConversationUsage entries={entries} />
        <ConversationProviderPicker conversationId={conversationId} />
        <StatusLabel status={status} />
        {summary && <ConversationMenu conversationId={conversationId} title={summary.title} />}
      </header>
      <div className="conversation__scroll" ref={scrollRef} onScroll={onScroll} data-testid="conversation-scroll">
        {loadStatus === 'loading' && items.length === 0 && <p className="muted center">Loading conversation…</p>}
        {loadStatus === 'error' && (
          <div className="inline-error" role="alert">
            <p>Could not load this conversation: {loadError}</p>
            <button type="button" className="button button--small" onClick={() => dispatch(loadConversation({ conversationId, force: true }))}>
              Try again
            </button>
          </div>
        )}
        {loadStatus === 'ready' && items.length === 0 && (
          <div className="empty-state">
            <p className="empty-state__title">What can I help with?</p>
            <p className="muted">Reads run right away. Anything that changes your CRM waits for your approval on a card.</p>
          </div>
        )}
        {virtual ? (
          <VirtualItems items={items} scrollRef={scrollRef} renderItem={renderItem} scrollToIndexRef={scrollToIndexRef} />
        ) : (
          <div className="conversation__items">
            {items.map((item) => (
              <div key={item.key} className="conversation__item">
                {renderItem(item)}
              </div>
            ))}
          </div>
        )}
      </div>
      <Composer conversationId={conversationId} status={status} disabled={disabled} />
    </section>
  )
}

function VirtualItems({
  items,
  scrollRef,
  renderItem,
  scrollToIndexRef
}: {
  items: Item[]
  scrollRef: RefObject<HTMLDivElement | null>
  renderItem: (item: Item) => ReactNode
  scrollToIndexRef: { current: ((index: number, align: 'center' | 'end') => void) | null }
}) {
  const virtualizer = useVirtualizer({
    count: items.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => 88,
    overscan: 8,
    getItemKey: (index) => items[index].key
  })
  useEffect(() => {
    scrollToIndexRef.current = (index, align) => virtualizer.scrollToIndex(index, { align })
    return () => {
      scrollToIndexRef.current = null
    }
  }, [virtualizer, scrollToIndexRef])
  return (
    <div className="conversation__items conversation__items--virtual" style={{ height: virtualizer.getTotalSize() }}>
      {virtualizer.getVirtualItems().map((row) => (
        <div
          key={row.key}
          data-index={row.index}
          ref={virtualizer.measureElement}
          className="conversation__item conversation__item--virtual"
          style={{ transform: `translateY(${row.start}px)` }}
        >
          {renderItem(items[row.index])}
        </div>
      ))}
    </div>
  )
}

function StatusLabel({ status }: { status: string }) {
  const text: Record<string, string> = {
    idle: '',
    running: 'Working…',
    waiting: 'Waiting for your approval',
    error: 'Stopped with an error'
  }
  if (!text[status]) return null
  return (
    <span className={`status-label status-label--${status}`}>
      <span className={`status-dot status-dot--${status}`} aria-hidden="true" /> {text[status]}
    </span>
  )
}

function cssEscape(value: string): string {
  return typeof CSS !== 'undefined' && typeof CSS.escape === 'function' ? CSS.escape(value) : value.replace(/["\\]/g, '\\$&')
}
