import { useVirtualizer } from '@tanstack/react-virtual'
import { useCallback, useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react'
import type { InboxFilter } from '../../../../shared/inbox'
import { moveFocusInList } from '../../keyboard/shortcuts'
import { useAppDispatch, useAppSelector } from '../../store/hooks'
import { inboxQueryChanged } from '../../store/inboxSlice'
import { selectConversations } from '../../store/selectors'
import { loadInboxPage, loadSettings } from '../../store/thunks'
import { inboxSortChosen } from '../../store/uiSlice'
import { BULK_GUARD, BulkReview } from './BulkReview'
import { InboxRow } from './InboxRow'

/** Ask for the next page when the rows in view come this close to the last one loaded. */
const PREFETCH_ROWS = 15
/** Below this many rows in the list, plain DOM is as fast and simpler (as in the conversation). */
export const INBOX_VIRTUALIZE_AT = 100

const FILTERS: { value: InboxFilter; label: string }[] = [
  { value: 'all', label: 'Everything decided' },
  { value: 'approved', label: 'Approved' },
  { value: 'declined', label: 'Declined' },
  { value: 'expired', label: 'Expired' },
  { value: 'failed', label: 'Failed' },
  { value: 'superseded', label: 'Superseded or cancelled' }
]

function useNow(everyMs: number): number {
  const [now, setNow] = useState(() => Date.now())
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), everyMs)
    return () => clearInterval(timer)
  }, [everyMs])
  return now
}

/** What waits, sorted by time left (or newest first), or what was decided, filtered. Paged by main
 *  and virtualised here, so ten thousand rows cost what a screenful does. */
export function Inbox() {
  const dispatch = useAppDispatch()
  const inbox = useAppSelector((s) => s.inbox)
  // The organisation may set how many actions at once need a second confirmation.
  const settingsStatus = useAppSelector((s) => s.settings.status)
  const guardAbove = useAppSelector((s) => s.settings.view?.organisation?.bulkConfirmAbove?.count ?? BULK_GUARD)
  useEffect(() => {
    if (settingsStatus === 'idle') void dispatch(loadSettings())
  }, [settingsStatus, dispatch])
  const entities = useAppSelector((s) => s.actions.entities)
  const sort = useAppSelector((s) => s.ui.inboxSort)
  const conversations = useAppSelector(selectConversations)
  const titles = useMemo(() => new Map(conversations.map((c) => [c.id, c.title])), [conversations])
  const [expanded, setExpanded] = useState<Set<string>>(() => new Set())
  const [selected, setSelected] = useState<Set<string>>(() => new Set())
  const [review, setReview] = useState<'approve' | 'decline' | null>(null)
  const now = useNow(60_000)
  const scrollRef = useRef<HTMLDivElement>(null)
  const listRef = useRef<HTMLDivElement>(null)

  const ids = inbox.ids
  const more = inbox.nextCursor !== null
  const virtualizer = useVirtualizer({
    count: ids.length + (more ? 1 : 0),
    getScrollElement: () => scrollRef.current,
    estimateSize: () => 64,
    overscan: 10,
    getItemKey: (index) => ids[index] ?? 'loader'
  })
  const virtual = Math.max(inbox.total, ids.length) >= INBOX_VIRTUALIZE_AT
  const rows = virtual
    ? virtualizer.getVirtualItems()
    : Array.from({ length: ids.length + (more ? 1 : 0) }, (_, index) => ({ index, key: ids[index] ?? 'loader', start: 0 }))
  const lastIndex = rows.at(-1)?.index ?? -1

  useEffect(() => {
    if (more && inbox.status === 'ready' && lastIndex >= ids.length - PREFETCH_ROWS) void dispatch(loadInboxPage({ reset: false }))
  }, [more, inbox.status, lastIndex, ids.length, dispatch])

  const toggle = useCallback((id: string) => {
    setExpanded((prev) => {
      const next = new Set(prev)
      if (next.has(id)) next.delete(id)
      else next.add(id)
      return next
    })
  }, [])

  const select = useCallback((id: string, on: boolean) => {
    setSelected((prev) => {
      const next = new Set(prev)
      if (on) next.add(id)
      else next.delete(id)
      return next
    })
  }, [])

  // Only what still waits can be decided; rows decided meanwhile drop out of the selection.
  const selectedActions = ids.filter((id) => selected.has(id) && entities[id]?.state === 'pending').map((id) => entities[id])

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    if (!listRef.current) return
    if (!(e.target as HTMLElement).classList.contains('inbox-row__toggle')) return
    if (moveFocusInList(listRef.current, e.target as Element, e.key, '.inbox-row__toggle')) {
      e.preventDefault()
      ;(document.activeElement as HTMLElement | null)?.scrollIntoView?.({ block: 'nearest' })
    }
  }

  const waitingList = inbox.list === 'waiting'
  const countText = waitingList
    ? inbox.waitingTotal === 1
      ? '1 action waiting'
      : `${inbox.waitingTotal.toLocaleString()} actions waiting`
    : `${inbox.total.toLocaleString()} decided`

  return (
    <section className="inbox" aria-labelledby="inbox-title">
      <header className="view-header view-header--wrap">
        <div className="view-header__titles">
          <h1 className="view-header__title" id="inbox-title">
            Inbox
          </h1>
          <span className="muted" data-testid="inbox-total">
            {countText}
          </span>
        </div>
        <div className="inbox__controls">
          <div className="segmented" role="group" aria-label="Which actions">
            <button type="button" data-testid="inbox-tab-waiting" aria-pressed={waitingList} onClick={() => dispatch(inboxQueryChanged({ list: 'waiting' }))}>
              Waiting
            </button>
            <button type="button" data-testid="inbox-tab-decided" aria-pressed={!waitingList} onClick={() => dispatch(inboxQueryChanged({ list: 'decided' }))}>
              Decided
            </button>
          </div>
          {waitingList ? (
            <label className="field field--inline">
              <span className="field__label">Sort</span>
              <select className="select select--compact" data-testid="inbox-sort" value={sort} onChange={(e) => dispatch(inboxSortChosen(e.target.value as 'time_left' | 'newest'))}>
                <option value="time_left">Time left</option>
                <option value="newest">Newest first</option>
              </select>
            </label>
          ) : (
            <label className="field field--inline">
              <span className="field__label">Show</span>
              <select
                className="select select--compact"
                data-testid="inbox-filter"
                value={inbox.filter}
                onChange={(e) => dispatch(inboxQueryChanged({ filter: e.target.value as InboxFilter }))}
              >
                {FILTERS.map((f) => (
                  <option key={f.value} value={f.value}>
                    {f.label}
                  </option>
                ))}
              </select>
            </label>
          )}
        </div>
      </header>
      {waitingList && selectedActions.length > 0 && (
        <div className="selection-bar" role="region" aria-label="Selected actions" data-testid="selection-bar">
          <span>
            <strong>{selectedActions.length}</strong> selected
          </span>
          <button type="button" className="button button--small button--primary" data-testid="bulk-approve" onClick={() => setReview('approve')}>
            Review and approve…
          </button>
          <button type="button" className="button button--small" data-testid="bulk-decline" onClick={() => setReview('decline')}>
            Review and decline…
          </button>
          <button type="button" className="button button--small button--ghost" onClick={() => setSelected(new Set())}>
            Clear selection
          </button>
        </div>
      )}
      {review && (
        <BulkReview
          actions={selectedActions}
          decision={review}
          guardAbove={guardAbove}
          onClose={(decided) => {
            setReview(null)
            setSelected((prev) => new Set([...prev].filter((id) => !decided.includes(id))))
          }}
        />
      )}
      <div className="inbox__scroll" ref={scrollRef} data-testid="inbox-scroll">
        {inbox.status === 'error' && (
          <div className="inline-error" role="alert">
            <p>Could not load the inbox: {inbox.error}</p>
            <button type="button" className="button button--small" onClick={() => dispatch(loadInboxPage({ reset: ids.length === 0 }))}>
              Try again
            </button>
          </div>
        )}
        {ids.length === 0 && inbox.status === 'ready' && (
          <div className="empty-state" data-testid="inbox-empty">
            <p className="empty-state__title">{waitingList ? 'Nothing is waiting for you' : 'Nothing here yet'}</p>
            <p className="muted">
              {waitingList
                ? 'When the assistant wants to change something in your CRM, its request appears here for your approval.'
                : 'Approved, declined and expired requests are kept here for 30 days.'}
            </p>
          </div>
        )}
        {ids.length === 0 && (inbox.status === 'loading' || inbox.status === 'idle') && <p className="muted center">Loading…</p>}
        <div
          className={`inbox__list${virtual ? ' inbox__list--virtual' : ''}`}
          ref={listRef}
          role="list"
          aria-label={waitingList ? 'Waiting actions' : 'Decided actions'}
          data-testid="inbox-list"
          style={virtual ? { height: virtualizer.getTotalSize() } : undefined}
          onKeyDown={onKeyDown}
        >
          {rows.map((row) => {
            const id = ids[row.index]
            const action = id ? entities[id] : undefined
            return (
              <div
                key={row.key}
                role="listitem"
                data-index={row.index}
                ref={virtual ? virtualizer.measureElement : undefined}
                className={`inbox__item${virtual ? ' inbox__item--virtual' : ''}`}
                style={virtual ? { transform: `translateY(${row.start}px)` } : undefined}
              >
                {action ? (
                  <InboxRow
                    action={action}
                    conversationTitle={titles.get(action.conversationId) ?? ''}
                    expanded={expanded.has(action.id)}
                    now={now}
                    onToggle={toggle}
                    selected={selected.has(action.id)}
                    onSelect={waitingList ? select : undefined}
                  />
                ) : (
                  <p className="muted center" data-testid="inbox-loading-more">
                    Loading more…
                  </p>
                )}
              </div>
            )
          })}
        </div>
      </div>
    </section>
  )
}
