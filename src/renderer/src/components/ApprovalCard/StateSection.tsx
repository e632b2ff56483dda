import { forwardRef, type ReactNode } from 'react'
import type { ActionView } from '../../../../shared/domain'
import { useAppDispatch } from '../../store/hooks'
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
          <p className="card__explain">The record changed after this card was shown, so this approval no longer applies. Nothing was changed.</p>
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
      body = <p className="card__explain">Nothing was changed. Ask the assistant again if it is still needed.</p>
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
