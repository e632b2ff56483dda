import { memo } from 'react'
import type { ActionView } from '../../../../shared/domain'
import { formatDateTime, formatTimeLeft } from '../../format'
import { URGENT_MS } from '../../urgency'
import { ApprovalCard, STATE } from '../ApprovalCard'
import { whomOf } from './whom'

type Props = {
  action: ActionView
  conversationTitle: string
  expanded: boolean
  now: number
  onToggle: (id: string) => void
  /** Waiting rows can be selected for one review and decision together. */
  selected?: boolean
  onSelect?: (id: string, selected: boolean) => void
}

/** One action in the inbox: a compact row with what, to whom and the time left, expanding to the full card. */
export const InboxRow = memo(function InboxRow({ action, conversationTitle, expanded, now, onToggle, selected = false, onSelect }: Props) {
  const waiting = action.state === 'pending'
  const left = action.expiresAt - now
  const urgent = waiting && left > 0 && left < URGENT_MS
  const words = STATE[action.state]
  const when = waiting
    ? left > 0
      ? urgent
        ? `Less than ${URGENT_MS / 3_600_000} h left · ${formatTimeLeft(left)}`
        : `${formatTimeLeft(left)} left`
      : 'Time is up'
    : action.state === 'outcome_unknown'
      ? 'Check your CRM'
      : action.decidedAt !== null
      ? formatDateTime(action.decidedAt)
      : words.short
  return (
    <div
      className={`inbox-row${urgent ? ' inbox-row--urgent' : ''}${expanded ? ' is-expanded' : ''}`}
      data-testid="inbox-item"
      data-action-id={action.id}
      data-state={action.state}
      data-urgent={urgent ? 'true' : 'false'}
    >
      <div className="inbox-row__head">
      {onSelect && (
        <input
          type="checkbox"
          className="inbox-row__select"
          data-testid="inbox-row-select"
          checked={selected}
          disabled={!waiting}
          aria-label={`Select: ${action.abilityTitle} — ${action.card.summary}`}
          onChange={(e) => onSelect(action.id, e.target.checked)}
        />
      )}
      <button
        type="button"
        className="inbox-row__toggle"
        data-testid="inbox-row-toggle"
        aria-expanded={expanded}
        onClick={() => onToggle(action.id)}
      >
        <span className={`state-pill state-pill--${urgent ? 'warning' : words.tone}`}>{urgent ? 'Urgent' : words.short}</span>
        <span className="inbox-row__main">
          <span className="inbox-row__title">{action.abilityTitle}</span>
          <span className="inbox-row__summary">{action.card.summary}</span>
        </span>
        <span className="inbox-row__whom">{whomOf(action)}</span>
        <span className={`inbox-row__time${urgent ? ' is-urgent' : ''}`} data-testid="inbox-row-time">
          {when}
        </span>
      </button>
      </div>
      {expanded && (
        <div className="inbox-row__card">
          <p className="inbox__conversation">In “{conversationTitle || 'a conversation'}”</p>
          <ApprovalCard action={action} conversationLink />
        </div>
      )}
    </div>
  )
})
