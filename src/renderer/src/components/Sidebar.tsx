import { useState } from 'react'
import type { AppState } from '../../../shared/domain'
import { errorMessage } from '../api/errors'
import { hostOf } from '../format'
import { useAppDispatch, useAppSelector } from '../store/hooks'
import { selectConversations, selectWaitingCount } from '../store/selectors'
import { createConversation } from '../store/thunks'
import { viewSelected } from '../store/uiSlice'

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
    <nav className="sidebar" aria-label="Countersign">
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

      <div className="sidebar__section-title">Conversations</div>
      <ul className="conversation-list">
        {conversations.length === 0 && (
          <li className="conversation-list__empty">{listStatus === 'loading' ? 'Loading…' : 'No conversations yet'}</li>
        )}
        {conversations.map((c) => {
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
                <span className={`status-dot status-dot--${c.status}`} title={statusTitle(c.status)} aria-label={statusTitle(c.status)} />
                <span className="conversation-item__title">{c.title || 'New conversation'}</span>
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
          <span className="count-badge" data-testid="inbox-count" hidden={waiting === 0} aria-label={`${waiting} waiting`}>
            {waiting}
          </span>
        </button>
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
