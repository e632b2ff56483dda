import { useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react'
import type { AppState } from '../../../shared/domain'
import { errorMessage } from '../api/errors'
import { hostOf } from '../format'
import { useAppDispatch, useAppSelector } from '../store/hooks'
import { selectConversations, selectWaitingCount } from '../store/selectors'
import { createConversation, searchConversations } from '../store/thunks'
import { moveFocusInList } from '../keyboard/shortcuts'
import { sidebarToggled, viewSelected } from '../store/uiSlice'

export function userRole(app: AppState): string {
  const user = app.user
  if (!user) return ''
  if (app.account?.kind === 'sample') {
    const sample = app.sampleUsers.find((u) => u.login === user.login)
    if (sample) return sample.role
  }
  return user.groups.join(', ')
}

export function accountLabel(app: AppState): string {
  const account = app.account
  if (!account) return 'No CRM account'
  if (account.kind === 'sample') return 'Sample workspace'
  const host = hostOf(account.serverUrl)
  return [account.label || account.database, host].filter(Boolean).join(' · ')
}

export function Sidebar({ app }: { app: AppState }) {
  const dispatch = useAppDispatch()
  const conversations = useAppSelector(selectConversations)
  const view = useAppSelector((s) => s.ui.view)
  const waiting = useAppSelector(selectWaitingCount)
  const listStatus = useAppSelector((s) => s.conversations.listStatus)
  const [creating, setCreating] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const [query, setQuery] = useState('')
  const open = useAppSelector((s) => s.ui.sidebarOpen)
  const searchNonce = useAppSelector((s) => s.ui.searchFocusNonce)
  const searchRef = useRef<HTMLInputElement>(null)
  const listRef = useRef<HTMLUListElement>(null)

  useEffect(() => {
    if (searchNonce > 0) searchRef.current?.focus()
  }, [searchNonce])

  // Titles filter at once; main's search (titles and everything said) replaces that when it answers.
  const [hits, setHits] = useState<{ query: string; items: { id: string; snippet: string }[] } | null>(null)
  useEffect(() => {
    const q = query.trim()
    if (!q) return setHits(null)
    let current = true
    const timer = setTimeout(() => {
      dispatch(searchConversations(q))
        .unwrap()
        .then((found) => current && setHits({ query: q, items: found.map((h) => ({ id: h.id, snippet: h.snippet })) }))
        .catch(() => current && setHits(null))
    }, 150)
    return () => {
      current = false
      clearTimeout(timer)
    }
  }, [query, dispatch])

  const snippets = useMemo(() => new Map((hits?.items ?? []).map((h) => [h.id, h.snippet])), [hits])
  const shown = useMemo(() => {
    const q = query.trim().toLowerCase()
    if (!q) return conversations
    if (hits && hits.query.toLowerCase() === q) {
      const byId = new Map(conversations.map((c) => [c.id, c]))
      return hits.items.flatMap((h) => (byId.has(h.id) ? [byId.get(h.id)!] : []))
    }
    return conversations.filter((c) => (c.title || 'New conversation').toLowerCase().includes(q))
  }, [conversations, query, hits])

  const onListKeyDown = (e: KeyboardEvent<HTMLElement>) => {
    if (!listRef.current) return
    if (moveFocusInList(listRef.current, document.activeElement, e.key, '[data-testid="conversation-item"]')) e.preventDefault()
  }

  const newConversation = async () => {
    setCreating(true)
    setError(null)
    try {
      await dispatch(createConversation()).unwrap()
    } catch (e) {
      setError(errorMessage(e))
    } finally {
      setCreating(false)
    }
  }

  return (
    <>
      <Rail waiting={waiting} allowed={app.allowed} creating={creating} onNew={newConversation} />
      {open && <div className="sidebar-backdrop" aria-hidden="true" onClick={() => dispatch(sidebarToggled(false))} />}
    <nav className={`sidebar${open ? ' is-open' : ''}`} aria-label="Countersign" data-testid="sidebar">
      <div className="sidebar__brand">
        <span className="brand-mark" aria-hidden="true">
          ✓
        </span>
        <span className="brand-name">Countersign</span>
      </div>

      {app.user && (
        <div className="sidebar__user" data-testid="current-user">
          <span className="avatar" aria-hidden="true">
            {initials(app.user.name)}
          </span>
          <div className="sidebar__user-text">
            <span className="sidebar__user-name">{app.user.name}</span>
            <span className="sidebar__user-role">{userRole(app)}</span>
            <span className="sidebar__account" data-testid="current-account">
              {accountLabel(app)}
            </span>
          </div>
        </div>
      )}

      <button
        type="button"
        className="button button--primary button--block"
        data-testid="new-conversation"
        disabled={creating || !app.allowed}
        onClick={newConversation}
      >
        + New conversation
      </button>
      {error && (
        <p className="sidebar__error" role="alert">
          {error}
        </p>
      )}

      <h2 className="sidebar__section-title" id="conversations-heading">
        Conversations
      </h2>
      <input
        ref={searchRef}
        type="search"
        className="input input--search"
        data-testid="conversation-search"
        placeholder="Search conversations"
        aria-label="Search conversations"
        value={query}
        onChange={(e) => setQuery(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'ArrowDown') onListKeyDown(e)
          if (e.key === 'Escape' && query) {
            e.stopPropagation()
            setQuery('')
          }
        }}
      />
      <ul className="conversation-list" aria-labelledby="conversations-heading" ref={listRef} onKeyDown={onListKeyDown}>
        {conversations.length === 0 && (
          <li className="conversation-list__empty">{listStatus === 'loading' ? 'Loading…' : 'No conversations yet'}</li>
        )}
        {conversations.length > 0 && shown.length === 0 && (
          <li className="conversation-list__empty" data-testid="conversation-search-empty">
            No conversation matches “{query.trim()}”
          </li>
        )}
        {shown.map((c) => {
          const selected = view.kind === 'conversation' && view.conversationId === c.id
          return (
            <li key={c.id}>
              <button
                type="button"
                className={`conversation-item${selected ? ' is-selected' : ''}`}
                data-testid="conversation-item"
                data-conversation-id={c.id}
                data-status={c.status}
                aria-current={selected ? 'page' : undefined}
                onClick={() => dispatch(viewSelected({ kind: 'conversation', conversationId: c.id }))}
              >
                <span className={`status-dot status-dot--${c.status}`} title={statusTitle(c.status)} aria-hidden="true" />
                {c.status !== 'idle' && <span className="visually-hidden">{statusTitle(c.status)}: </span>}
                <span className="conversation-item__title">{c.title || 'New conversation'}</span>
                {query.trim() && snippets.get(c.id) && snippets.get(c.id) !== c.title && (
                  <span className="conversation-item__snippet" data-testid="conversation-snippet">
                    {snippets.get(c.id)}
                  </span>
                )}
              </button>
            </li>
          )
        })}
      </ul>

      <div className="sidebar__nav">
        <button
          type="button"
          className={`nav-item${view.kind === 'inbox' ? ' is-selected' : ''}`}
          data-testid="nav-inbox"
          onClick={() => dispatch(viewSelected({ kind: 'inbox' }))}
        >
          <span>Inbox</span>
          <span className="count-badge" data-testid="inbox-count" hidden={waiting === 0} aria-hidden="true">
            {waiting}
          </span>
          {waiting > 0 && <span className="visually-hidden">, {waiting} waiting</span>}
        </button>
        {app.organisation?.administrator && (
          <button
            type="button"
            className={`nav-item${view.kind === 'administration' ? ' is-selected' : ''}`}
            data-testid="nav-administration"
            onClick={() => dispatch(viewSelected({ kind: 'administration' }))}
          >
            <span>Administration</span>
          </button>
        )}
        <button
          type="button"
          className={`nav-item${view.kind === 'activity' ? ' is-selected' : ''}`}
          data-testid="nav-activity"
          onClick={() => dispatch(viewSelected({ kind: 'activity' }))}
        >
          <span>Activity</span>
        </button>
        <button
          type="button"
          className={`nav-item${view.kind === 'settings' ? ' is-selected' : ''}`}
          data-testid="nav-settings"
          onClick={() => dispatch(viewSelected({ kind: 'settings' }))}
        >
          <span>Settings</span>
        </button>
      </div>
    </nav>
    </>
  )
}

/** Narrow windows: the sidebar folds into this rail; the menu button opens it over the content. */
function Rail({ waiting, allowed, creating, onNew }: { waiting: number; allowed: boolean; creating: boolean; onNew: () => void }) {
  const dispatch = useAppDispatch()
  const view = useAppSelector((s) => s.ui.view)
  return (
    <nav className="rail" aria-label="Countersign (compact)" data-testid="rail">
      <button type="button" className="rail__button" data-testid="rail-menu" aria-label="Show conversations" onClick={() => dispatch(sidebarToggled(true))}>
        <span aria-hidden="true">☰</span>
      </button>
      <button type="button" className="rail__button" aria-label="New conversation" disabled={creating || !allowed} onClick={onNew}>
        <span aria-hidden="true">+</span>
      </button>
      <button
        type="button"
        className={`rail__button${view.kind === 'inbox' ? ' is-selected' : ''}`}
        data-testid="rail-inbox"
        aria-label={`Inbox, ${waiting} waiting`}
        onClick={() => dispatch(viewSelected({ kind: 'inbox' }))}
      >
        <span aria-hidden="true">✉</span>
        {waiting > 0 && (
          <span className="count-badge count-badge--rail" aria-hidden="true">
            {waiting > 99 ? '99+' : waiting}
          </span>
        )}
      </button>
      <button
        type="button"
        className={`rail__button${view.kind === 'settings' ? ' is-selected' : ''}`}
        aria-label="Settings"
        onClick={() => dispatch(viewSelected({ kind: 'settings' }))}
      >
        <span aria-hidden="true">⚙</span>
      </button>
    </nav>
  )
}

function statusTitle(status: string): string {
  switch (status) {
    case 'running':
      return 'Working'
    case 'waiting':
      return 'Waiting for approval'
    case 'error':
      return 'Error'
    default:
      return 'Idle'
  }
}

function initials(name: string): string {
  const parts = name.trim().split(/\s+/).filter(Boolean)
  return ((parts[0]?.[0] ?? '') + (parts.length > 1 ? parts[parts.length - 1][0] : '')).toUpperCase() || '?'
}
