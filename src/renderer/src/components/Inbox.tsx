import { useEffect, useMemo, useState } from 'react'
import type { ActionView } from '../../../shared/domain'
import { useAppSelector } from '../store/hooks'
import { selectConversations, selectWaitingActions } from '../store/selectors'
import { ApprovalCard } from './ApprovalCard'

/** Everything waiting across conversations, newest first. A card decided here stays in view,
 *  showing its new state, until the inbox is left. */
export function Inbox() {
  const waiting = useAppSelector(selectWaitingActions)
  const entities = useAppSelector((s) => s.actions.entities)
  const status = useAppSelector((s) => s.actions.inboxStatus)
  const error = useAppSelector((s) => s.actions.inboxError)
  const conversations = useAppSelector(selectConversations)
  const [seen, setSeen] = useState<string[]>([])

  useEffect(() => {
    setSeen((prev) => {
      const missing = waiting.filter((a) => !prev.includes(a.id)).map((a) => a.id)
      return missing.length ? [...prev, ...missing] : prev
    })
  }, [waiting])

  const shown = useMemo(() => {
    const ids = new Set([...waiting.map((a) => a.id), ...seen])
    return [...ids]
      .map((id) => entities[id])
      .filter((a): a is ActionView => a !== undefined)
      .sort((a, b) => b.createdAt - a.createdAt || b.id.localeCompare(a.id))
  }, [waiting, seen, entities])

  const titles = useMemo(() => new Map(conversations.map((c) => [c.id, c.title])), [conversations])

  return (
    <section className="inbox" aria-label="Inbox">
      <header className="view-header">
        <h1 className="view-header__title">Inbox</h1>
        <span className="muted">{waiting.length === 1 ? '1 action waiting' : `${waiting.length} actions waiting`}</span>
      </header>
      <div className="inbox__scroll">
        {status === 'error' && (
          <p className="inline-error" role="alert">
            Could not load the inbox: {error}
          </p>
        )}
        {shown.length === 0 && status !== 'loading' && (
          <div className="empty-state" data-testid="inbox-empty">
            <p className="empty-state__title">Nothing is waiting for you</p>
            <p className="muted">When the assistant wants to change something in your CRM, its request appears here for your approval.</p>
          </div>
        )}
        {shown.length === 0 && status === 'loading' && <p className="muted center">Loading…</p>}
        <ul className="inbox__list">
          {shown.map((action) => (
            <li key={action.id} className="inbox__item" data-testid="inbox-item">
              <p className="inbox__conversation">In “{titles.get(action.conversationId) || 'a conversation'}”</p>
              <ApprovalCard action={action} conversationLink />
            </li>
          ))}
        </ul>
      </div>
    </section>
  )
}
