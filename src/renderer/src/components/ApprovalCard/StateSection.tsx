import { forwardRef, useState, type ReactNode } from 'react'
import type { ActionView } from '../../../../shared/domain'
import { errorMessage } from '../../api/errors'
import { useAppDispatch } from '../../store/hooks'
import { askAgain } from '../../store/thunks'
import { actionLinkFollowed } from '../../store/uiSlice'
import { STATE } from './labels'

/** What happened to the action, once it is no longer waiting. Focusable so that focus can land
 *  here after a decision (the buttons that had it are gone). */
export const StateSection = forwardRef<HTMLDivElement, { action: ActionView }>(function StateSection({ action }, ref) {
  const dispatch = useAppDispatch()
  const { state } = action
  if (state === 'pending') return null
  const words = STATE[state]
  const running = state === 'approved' || state === 'executing'
  let body: ReactNode = null
  switch (state) {
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
      body = <OutcomeUnknownExplanation action={action} />
      break
    case 'declined':
      body = action.declineReason ? <p className="card__reason">Reason: {action.declineReason}</p> : null
      break
    case 'superseded':
      body = (
        <>
          <p className="card__explain" data-testid="superseded-why">
            {action.error ?? 'The record changed after this card was shown, so this approval no longer applies. Nothing was changed.'}
          </p>
          {action.supersededBy && (
            <button
              type="button"
              className="link-button"
              data-testid="superseded-link"
              onClick={() => dispatch(actionLinkFollowed({ actionId: action.supersededBy! }))}
            >
              Show the new card
            </button>
          )}
        </>
      )
      break
    case 'expired':
      body = <AskAgain action={action} />
      break
    case 'cancelled':
      body = <p className="card__explain">Nothing was changed.</p>
      break
    default:
      break
  }
  return (
    <div className={`card__state card__state--${words.tone}`} data-testid="card-status" ref={ref} tabIndex={-1}>
      <p className="card__state-label">
        {running && <span className="spinner" aria-hidden="true" />}
        {words.label}
      </p>
      {body}
    </div>
  )
})

function OutcomeUnknownExplanation({ action }: { action: ActionView }) {
  const detail = action.card.detail
  const where =
    detail.kind === 'update'
      ? `the ${detail.record.label} record`
      : detail.kind === 'message'
        ? 'the sent messages'
        : detail.kind === 'automation'
          ? `the automation ${detail.automation.label}`
          : 'the record'
  return (
    <div className="card__explain" data-testid="outcome-explain">
      <p>
        Countersign had started this when it was interrupted, and your CRM could not tell us whether the change went through.
        Nothing will be tried again on its own.
      </p>
      <p>
        <strong>What to do:</strong> look at {where} in your CRM. If the change is there, mark this as done. If it is not, run it
        again.
      </p>
      {action.error && (
        <p className="card__error" data-testid="card-error">
          What we know: {action.error}
        </p>
      )}
    </div>
  )
}

/** An expired action can be proposed afresh: a new card, built from current data, in the same conversation. */
function AskAgain({ action }: { action: ActionView }) {
  const dispatch = useAppDispatch()
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const ask = async () => {
    setBusy(true)
    setError(null)
    try {
      const fresh = await dispatch(askAgain(action.id)).unwrap()
      dispatch(actionLinkFollowed({ actionId: fresh.id }))
    } catch (e) {
      setError(errorMessage(e))
    } finally {
      setBusy(false)
    }
  }
  return (
    <>
      <p className="card__explain">Nothing was changed. If it is still needed, ask for it again: a new card shows it with today's values.</p>
      <button type="button" className="button button--small" data-testid="ask-again" disabled={busy} onClick={() => void ask()}>
        {busy ? 'Asking…' : 'Ask again'}
      </button>
      {error && (
        <p role="alert" className="field-error" data-testid="ask-again-error">
          {error}
        </p>
      )}
    </>
  )
}
