import { useEffect, useRef, useState, type KeyboardEvent } from 'react'
import type { ActionView } from '../../../../shared/domain'
import { formatDateTime } from '../../format'
import { useBusyTask } from '../../hooks/useBusyTask'
import { useAppDispatch } from '../../store/hooks'
import { decideAction, settleAction } from '../../store/thunks'
import { focusRequested } from '../../store/uiSlice'
import { DecisionBar } from './DecisionBar'
import { canEdit, EditForm } from './EditForm'
import { CardDetail } from './details'
import { recipientsText } from './details/MessageDetail'
import { Expiry } from './Expiry'
import { STATE } from './labels'
import { SettleBar } from './SettleBar'
import { StateSection } from './StateSection'

type Props = {
  action: ActionView
  /** In the inbox: a link to the conversation the action belongs to. */
  conversationLink?: boolean
  /** Briefly highlighted after a notification click or a "see the new card" jump. */
  highlighted?: boolean
  /** Called once a decision made on this card is in; by default focus moves to the card's new state. */
  onDecided?: () => void
}

export function ApprovalCard({ action, conversationLink = false, highlighted = false, onDecided }: Props) {
  const dispatch = useAppDispatch()
  const { busy, error, setError, run } = useBusyTask()
  const [declineOpen, setDeclineOpen] = useState(false)
  const [editing, setEditing] = useState(false)
  const statusRef = useRef<HTMLDivElement>(null)
  const decided = useRef(false)

  const { state } = action
  const waiting = state === 'pending'
  const words = STATE[state]

  // Focus lands on what happened, not on <body>, once the buttons that had it are gone.
  useEffect(() => {
    if (!decided.current || state === 'pending') return
    decided.current = false
    if (onDecided) onDecided()
    else statusRef.current?.focus()
  }, [state, onDecided])

  // The store may apply main's answer before the request resolves: mark first, unmark on refusal.
  const deciding = (task: () => Promise<unknown>) => async () => {
    decided.current = true
    try {
      await task()
    } catch (refusal) {
      decided.current = false
      throw refusal
    }
  }

  const approve = () =>
    run('approve', deciding(() => dispatch(decideAction({ actionId: action.id, hash: action.hash, decision: 'approve' })).unwrap()))

  const decline = (reason: string) =>
    run(
      'decline',
      deciding(async () => {
        await dispatch(decideAction({ actionId: action.id, hash: action.hash, decision: 'decline', ...(reason ? { reason } : {}) })).unwrap()
        setDeclineOpen(false)
      })
    )

  const settle = (resolution: 'mark_done' | 'run_again') =>
    run(resolution, deciding(() => dispatch(settleAction({ actionId: action.id, hash: action.hash, resolution })).unwrap()))

  // A and D on a focused card (not while typing): approve, or open the decline form.
  const onKeyDown = (e: KeyboardEvent<HTMLElement>) => {
    if (!waiting || busy !== null || declineOpen || e.ctrlKey || e.metaKey || e.altKey || isTyping(e.target)) return
    const key = e.key.toLowerCase()
    if (key === 'a') {
      e.preventDefault()
      void approve()
    } else if (key === 'd') {
      e.preventDefault()
      setError(null)
      setDeclineOpen(true)
    }
  }

  const detail = action.card.detail
  const messageContext =
    detail.kind === 'message' ? (
      <p className="card__sending" data-testid="card-sending">
        <span className="card__sending-label">To</span> {recipientsText(detail) || '(no recipient)'}
        <span className="card__sending-label"> · Subject</span> {detail.subject}
      </p>
    ) : undefined

  return (
    <article
      className={`card card--${words.tone}${highlighted ? ' card--highlighted' : ''}${detail.kind === 'message' ? ' card--message' : ''}`}
      data-testid="approval-card"
      data-action-id={action.id}
      data-state={state}
      data-hash={action.hash}
      aria-label={`${waiting ? 'Needs your approval' : words.short}: ${action.abilityTitle}`}
      onKeyDown={onKeyDown}
    >
      <header className="card__header">
        <div className="card__titles">
          <span className="card__eyebrow">{waiting ? 'Needs your approval' : 'Approval'}</span>
          <h2 className="card__title">{action.abilityTitle}</h2>
        </div>
        <span className={`state-pill state-pill--${words.tone}`} data-testid="card-state">
          {words.short}
        </span>
      </header>

      <p className="card__summary" data-testid="card-summary">
        {action.card.summary}
      </p>

      <div className="card__detail" data-testid="card-detail">
        <CardDetail detail={detail} state={state} />
      </div>

      <p className="card__meta" data-testid="card-meta">
        Proposed by the assistant on your behalf · {formatDateTime(action.createdAt)}
        {action.decidedAt !== null && <> · decided {formatDateTime(action.decidedAt)}</>}
      </p>

      {waiting && <Expiry expiresAt={action.expiresAt} />}

      <StateSection action={action} ref={statusRef} />

      {waiting && editing && <EditForm action={action} onClose={() => setEditing(false)} />}

      {waiting && !editing && (
        <DecisionBar
          onEdit={canEdit(action) ? () => setEditing(true) : undefined}
          busy={busy}
          onApprove={() => void approve()}
          onDecline={decline}
          declineOpen={declineOpen}
          setDeclineOpen={(open) => {
            setError(null)
            setDeclineOpen(open)
          }}
          context={messageContext}
        />
      )}

      {state === 'outcome_unknown' && <SettleBar busy={busy} onSettle={(r) => void settle(r)} />}

      {busy !== null && <p className="card__busy" role="status">Sending your decision…</p>}

      {error !== null && (
        <p className="card__refusal" role="alert" data-testid="card-refusal">
          {error}
        </p>
      )}

      {conversationLink && (
        <footer className="card__footer">
          <button
            type="button"
            className="link-button"
            data-testid="open-conversation"
            onClick={() => dispatch(focusRequested({ actionId: action.id, conversationId: action.conversationId }))}
          >
            Open conversation
          </button>
        </footer>
      )}
    </article>
  )
}

function isTyping(target: EventTarget): boolean {
  const el = target as HTMLElement
  return el.tagName === 'TEXTAREA' || el.tagName === 'INPUT' || el.tagName === 'SELECT' || el.isContentEditable === true
}
