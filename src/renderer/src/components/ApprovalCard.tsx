import { useState, type ReactNode } from 'react'
import type { ActionState, ActionView, CardDetail } from '../../../shared/domain'
import { errorMessage } from '../api/errors'
import { formatDateTime, formatTimeLeft } from '../format'
import { useMinuteClock } from '../hooks/useMinuteClock'
import { useAppDispatch } from '../store/hooks'
import { decideAction, settleAction } from '../store/thunks'
import { actionLinkFollowed, focusRequested } from '../store/uiSlice'

type Props = {
  action: ActionView
  /** In the inbox: a link to the conversation the action belongs to. */
  conversationLink?: boolean
  /** Briefly highlighted after a notification click or a "see the new card" jump. */
  highlighted?: boolean
}

const STATE_LABEL: Record<ActionState, string> = {
  proposed: 'Being prepared…',
  pending: 'Waiting for your decision',
  approved: 'Approved — running…',
  executing: 'Running…',
  succeeded: 'Done',
  failed: 'Failed',
  outcome_unknown: "We don't know whether this happened",
  declined: 'Declined',
  expired: 'Expired — not run',
  superseded: 'Superseded — the record changed; see the new card',
  cancelled: 'Cancelled — not run'
}

const STATE_TONE: Record<ActionState, string> = {
  proposed: 'waiting',
  pending: 'waiting',
  approved: 'running',
  executing: 'running',
  succeeded: 'success',
  failed: 'danger',
  outcome_unknown: 'warning',
  declined: 'muted',
  expired: 'muted',
  superseded: 'muted',
  cancelled: 'muted'
}

export function ApprovalCard({ action, conversationLink = false, highlighted = false }: Props) {
  const dispatch = useAppDispatch()
  const [busy, setBusy] = useState(false)
  const [refusal, setRefusal] = useState<string | null>(null)
  const [declineOpen, setDeclineOpen] = useState(false)
  const [reason, setReason] = useState('')

  const state = action.state
  const waiting = state === 'pending'

  async function run(task: () => Promise<unknown>): Promise<void> {
    setBusy(true)
    setRefusal(null)
    try {
      await task()
    } catch (error) {
      setRefusal(errorMessage(error))
    } finally {
      setBusy(false)
    }
  }

  const approve = () =>
    run(() => dispatch(decideAction({ actionId: action.id, hash: action.hash, decision: 'approve' })).unwrap())

  const confirmDecline = () =>
    run(async () => {
      const trimmed = reason.trim()
      await dispatch(
        decideAction({
          actionId: action.id,
          hash: action.hash,
          decision: 'decline',
          ...(trimmed ? { reason: trimmed } : {})
        })
      ).unwrap()
      setDeclineOpen(false)
      setReason('')
    })

  const settle = (resolution: 'mark_done' | 'run_again') =>
    run(() => dispatch(settleAction({ actionId: action.id, hash: action.hash, resolution })).unwrap())

  return (
    <article
      className={`card card--${STATE_TONE[state]}${highlighted ? ' card--highlighted' : ''}`}
      data-testid="approval-card"
      data-action-id={action.id}
      data-state={state}
      data-hash={action.hash}
      aria-label={`Approval: ${action.abilityTitle}`}
    >
      <header className="card__header">
        <div className="card__titles">
          <span className="card__eyebrow">{waiting ? 'Needs your approval' : 'Approval'}</span>
          <h3 className="card__title">{action.abilityTitle}</h3>
        </div>
        <span className={`state-pill state-pill--${STATE_TONE[state]}`} data-testid="card-state">
          {shortState(state)}
        </span>
      </header>

      <p className="card__summary" data-testid="card-summary">
        {action.card.summary}
      </p>

      <div className="card__detail" data-testid="card-detail">
        <Detail detail={action.card.detail} />
      </div>

      <p className="card__meta">
        Proposed by {action.userName} · {formatDateTime(action.createdAt)}
        {action.decidedAt !== null && <> · decided {formatDateTime(action.decidedAt)}</>}
      </p>

      {waiting && <Expiry expiresAt={action.expiresAt} />}

      <StateSection action={action} />

      {waiting && !declineOpen && (
        <div className="card__actions">
          <button type="button" className="button button--primary" data-testid="approve-button" disabled={busy} onClick={approve}>
            Approve
          </button>
          <button
            type="button"
            className="button"
            data-testid="decline-button"
            disabled={busy}
            onClick={() => {
              setRefusal(null)
              setDeclineOpen(true)
            }}
          >
            Decline
          </button>
        </div>
      )}

      {waiting && declineOpen && (
        <div className="card__decline">
          <label className="field">
            <span className="field__label">Reason (optional) — the assistant will be told</span>
            <textarea
              className="textarea"
              data-testid="decline-reason"
              rows={2}
              maxLength={2000}
              value={reason}
              disabled={busy}
              autoFocus
              onChange={(e) => setReason(e.target.value)}
              placeholder="For example: the amount is wrong"
            />
          </label>
          <div className="card__actions">
            <button type="button" className="button button--danger" data-testid="decline-confirm" disabled={busy} onClick={confirmDecline}>
              Decline
            </button>
            <button type="button" className="button button--ghost" disabled={busy} onClick={() => setDeclineOpen(false)}>
              Cancel
            </button>
          </div>
        </div>
      )}

      {state === 'outcome_unknown' && (
        <div className="card__actions">
          <button type="button" className="button button--primary" data-testid="settle-mark-done" disabled={busy} onClick={() => settle('mark_done')}>
            Mark as done
          </button>
          <button type="button" className="button" data-testid="settle-run-again" disabled={busy} onClick={() => settle('run_again')}>
            Run again
          </button>
        </div>
      )}

      {busy && <p className="card__busy">Sending your decision…</p>}

      {refusal !== null && (
        <p className="card__refusal" role="alert" data-testid="card-refusal">
          {refusal}
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

function shortState(state: ActionState): string {
  switch (state) {
    case 'outcome_unknown':
      return 'Outcome unknown'
    case 'approved':
      return 'Approved'
    case 'executing':
      return 'Running'
    case 'expired':
      return 'Expired'
    case 'superseded':
      return 'Superseded'
    case 'cancelled':
      return 'Cancelled'
    case 'pending':
      return 'Waiting'
    default:
      return STATE_LABEL[state]
  }
}

function Expiry({ expiresAt }: { expiresAt: number }) {
  const now = useMinuteClock(expiresAt)
  const left = expiresAt - now
  return (
    <p className="card__expiry" data-testid="card-expiry">
      {left > 0 ? `Expires in ${formatTimeLeft(left)}` : 'The time to approve has run out'}
    </p>
  )
}

function StateSection({ action }: { action: ActionView }) {
  const dispatch = useAppDispatch()
  const { state } = action
  if (state === 'pending') return null
  const label = STATE_LABEL[state]
  let body: ReactNode = null
  switch (state) {
    case 'approved':
    case 'executing':
      body = <span className="spinner" aria-hidden="true" />
      break
    case 'succeeded':
      body = action.resultSummary ? (
        <p className="card__result" data-testid="card-result">
          {action.resultSummary}
        </p>
      ) : null
      break
    case 'failed':
      body = (
        <p className="card__error" data-testid="card-error">
          {action.error ?? 'The CRM did not say why.'}
        </p>
      )
      break
    case 'outcome_unknown':
      body = (
        <>
          <p className="card__explain">
            Countersign stopped while this was running, and the CRM could not confirm whether it went through. Nothing will be
            retried on its own. Check the record in your CRM, then mark it as done, or run it again.
          </p>
          {action.error && (
            <p className="card__error" data-testid="card-error">
              {action.error}
            </p>
          )}
        </>
      )
      break
    case 'declined':
      body = action.declineReason ? <p className="card__reason">Reason: {action.declineReason}</p> : null
      break
    case 'superseded':
      body = action.supersededBy ? (
        <button
          type="button"
          className="link-button"
          data-testid="superseded-link"
          onClick={() => dispatch(actionLinkFollowed({ actionId: action.supersededBy! }))}
        >
          Show the new card
        </button>
      ) : null
      break
    case 'expired':
      body = <p className="card__explain">Nothing was changed. Ask the assistant again if it is still needed.</p>
      break
    case 'cancelled':
      body = <p className="card__explain">Nothing was changed.</p>
      break
    default:
      break
  }
  return (
    <div className={`card__state card__state--${STATE_TONE[state]}`} data-testid="card-status">
      <p className="card__state-label">
        {(state === 'approved' || state === 'executing') && body}
        {label}
      </p>
      {state !== 'approved' && state !== 'executing' && body}
    </div>
  )
}

function Detail({ detail }: { detail: CardDetail }) {
  switch (detail.kind) {
    case 'update':
      return (
        <>
          <p className="detail__record">
            {detail.record.type}: <strong>{detail.record.label}</strong>
          </p>
          <table className="detail-table">
            <thead>
              <tr>
                <th scope="col">Field</th>
                <th scope="col">Current</th>
                <th scope="col">Proposed</th>
              </tr>
            </thead>
            <tbody>
              {detail.changes.map((change) => {
                const changed = change.before !== change.after
                return (
                  <tr key={change.field} className={changed ? 'is-changed' : undefined} data-field={change.field}>
                    <th scope="row">{change.label}</th>
                    <td className="detail-table__before" data-testid="detail-before">
                      {change.before || <span className="empty-value">(empty)</span>}
                    </td>
                    <td className="detail-table__after" data-testid="detail-after">
                      {change.after || <span className="empty-value">(empty)</span>}
                    </td>
                  </tr>
                )
              })}
            </tbody>
          </table>
        </>
      )
    case 'create':
      return (
        <>
          <p className="detail__record">
            New {detail.recordType}
          </p>
          <dl className="detail-list">
            {detail.fields.map((field) => (
              <div key={field.field} className="detail-list__row">
                <dt>{field.label}</dt>
                <dd>{field.value || <span className="empty-value">(empty)</span>}</dd>
              </div>
            ))}
          </dl>
        </>
      )
    case 'message':
      return (
        <dl className="detail-list detail-list--message">
          <div className="detail-list__row">
            <dt>To</dt>
            <dd>
              {detail.to.length === 0 ? (
                <span className="empty-value">(no recipient)</span>
              ) : (
                detail.to.map((r, i) => (
                  <span key={`${r.address}-${i}`} className="recipient">
                    {r.name} &lt;{r.address}&gt;
                  </span>
                ))
              )}
            </dd>
          </div>
          <div className="detail-list__row">
            <dt>Subject</dt>
            <dd>{detail.subject}</dd>
          </div>
          <div className="detail-list__row">
            <dt>Body</dt>
            <dd>
              <pre className="message-body">{detail.body}</pre>
            </dd>
          </div>
          {detail.about && (
            <div className="detail-list__row">
              <dt>About</dt>
              <dd>
                {detail.about.type}: {detail.about.label}
              </dd>
            </div>
          )}
        </dl>
      )
    case 'automation':
      return (
        <dl className="detail-list">
          <div className="detail-list__row">
            <dt>Automation</dt>
            <dd>
              <strong>{detail.automation.label}</strong>
            </dd>
          </div>
          <div className="detail-list__row">
            <dt>What it does</dt>
            <dd>{detail.description}</dd>
          </div>
          <div className="detail-list__row">
            <dt>Change</dt>
            <dd>
              <span className={`switch-badge switch-badge--${detail.switchTo}`}>Switch {detail.switchTo}</span>
            </dd>
          </div>
          <div className="detail-list__row">
            <dt>Consequence</dt>
            <dd>{detail.consequence}</dd>
          </div>
        </dl>
      )
    case 'read':
      // A read the user chose to confirm every time: what it will look up.
      return (
        <dl className="detail-list">
          {detail.inputs.length === 0 ? (
            <div className="detail-list__row">
              <dt>Looks up</dt>
              <dd>Everything this ability returns, with your permissions</dd>
            </div>
          ) : (
            detail.inputs.map((input) => (
              <div className="detail-list__row" key={input.label}>
                <dt>{input.label}</dt>
                <dd>{input.value}</dd>
              </div>
            ))
          )}
        </dl>
      )
  }
}
