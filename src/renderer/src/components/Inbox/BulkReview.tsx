import { useEffect, useRef, useState } from 'react'
import type { ActionView } from '../../../../shared/domain'
import { errorMessage } from '../../api/errors'
import { useAppDispatch } from '../../store/hooks'
import { decideAction } from '../../store/thunks'
import { CardDetail } from '../ApprovalCard'

/** Above this many actions, one more explicit confirmation is asked (an organisation policy may lower or raise it). */
export const BULK_GUARD = 10

type Outcome = { id: string; title: string; ok: boolean; message: string | null }

/** One review screen for several waiting actions: each listed in full, then one decision for all.
 *  Each decision still goes to main on its own, naming its action and the hash shown here. */
export function BulkReview({
  actions: offered,
  decision,
  onClose,
  guardAbove = BULK_GUARD
}: {
  actions: ActionView[]
  decision: 'approve' | 'decline'
  onClose: (decidedIds: string[]) => void
  guardAbove?: number
}) {
  const dispatch = useAppDispatch()
  // What the user reviews is fixed when the screen opens: these cards, with these hashes.
  const [actions] = useState(offered)
  const ref = useRef<HTMLDialogElement>(null)
  const [reviewed, setReviewed] = useState(false)
  const [reason, setReason] = useState('')
  const [running, setRunning] = useState(false)
  const [outcomes, setOutcomes] = useState<Outcome[] | null>(null)
  const guard = actions.length > guardAbove
  const verb = decision === 'approve' ? 'Approve' : 'Decline'

  useEffect(() => {
    const dialog = ref.current
    if (dialog && !dialog.open) dialog.showModal()
  }, [])

  const run = async () => {
    setRunning(true)
    const results: Outcome[] = []
    // One at a time, in the order shown: each is checked by main against its own card.
    for (const action of actions) {
      try {
        const trimmed = reason.trim()
        await dispatch(
          decideAction({ actionId: action.id, hash: action.hash, decision, ...(decision === 'decline' && trimmed ? { reason: trimmed } : {}) })
        ).unwrap()
        results.push({ id: action.id, title: action.abilityTitle, ok: true, message: null })
      } catch (error) {
        results.push({ id: action.id, title: action.abilityTitle, ok: false, message: errorMessage(error) })
      }
    }
    setOutcomes(results)
    setRunning(false)
  }

  const done = outcomes?.filter((o) => o.ok).length ?? 0
  const refused = outcomes?.filter((o) => !o.ok) ?? []

  return (
    <dialog
      ref={ref}
      className="dialog dialog--wide"
      aria-labelledby="bulk-title"
      data-testid="bulk-review"
      onClose={() => onClose(outcomes?.filter((o) => o.ok).map((o) => o.id) ?? [])}
      onCancel={(e) => {
        if (running) e.preventDefault()
      }}
    >
      <div className="dialog__head">
        <h2 id="bulk-title" className="dialog__title">
          {verb} {actions.length === 1 ? 'this action' : `these ${actions.length} actions`}?
        </h2>
      </div>
      {outcomes === null ? (
        <>
          <p>Read each one: {decision === 'approve' ? 'each will run once, as shown here.' : 'none of them will run.'}</p>
          <ol className="bulk-list" data-testid="bulk-list">
            {actions.map((action) => (
              <li key={action.id} className="bulk-list__item" data-action-id={action.id}>
                <p className="bulk-list__title">{action.abilityTitle}</p>
                <p>{action.card.summary}</p>
                <div className="card__detail">
                  <CardDetail detail={action.card.detail} state={action.state} />
                </div>
              </li>
            ))}
          </ol>
          {decision === 'decline' && (
            <label className="field">
              <span className="field__label">Reason for all (optional) — the assistant will be told</span>
              <textarea className="textarea" rows={2} maxLength={2000} value={reason} onChange={(e) => setReason(e.target.value)} data-testid="bulk-reason" />
            </label>
          )}
          {guard && (
            <label className="checkbox">
              <input type="checkbox" data-testid="bulk-guard" checked={reviewed} onChange={(e) => setReviewed(e.target.checked)} />
              I have reviewed all {actions.length} actions and want to {decision} every one of them
            </label>
          )}
          <div className="form__actions">
            <button
              type="button"
              className={decision === 'approve' ? 'button button--primary' : 'button button--danger'}
              data-testid="bulk-confirm"
              disabled={running || (guard && !reviewed)}
              onClick={run}
            >
              {running ? `${verb === 'Approve' ? 'Approving' : 'Declining'}…` : `${verb} all ${actions.length}`}
            </button>
            <button type="button" className="button" disabled={running} onClick={() => ref.current?.close()}>
              Cancel
            </button>
          </div>
        </>
      ) : (
        <>
          <p role="status" data-testid="bulk-result">
            {decision === 'approve' ? 'Approved' : 'Declined'}: {done} of {actions.length}.
            {refused.length > 0 && ` ${refused.length} could not be ${decision === 'approve' ? 'approved' : 'declined'}:`}
          </p>
          {refused.length > 0 && (
            <ul className="bulk-refused" data-testid="bulk-refused">
              {refused.map((o) => (
                <li key={o.id}>
                  <strong>{o.title}</strong> — {o.message}
                </li>
              ))}
            </ul>
          )}
          <div className="form__actions">
            <button type="button" className="button button--primary" autoFocus onClick={() => ref.current?.close()}>
              Close
            </button>
          </div>
        </>
      )}
    </dialog>
  )
}
