import { useState } from 'react'

type Props = { busy: string | null; onSettle: (resolution: 'mark_done' | 'run_again') => void }

/** For an outcome nobody knows: neither choice is the default, and "Mark as done" asks first. */
export function SettleBar({ busy, onSettle }: Props) {
  const [confirming, setConfirming] = useState(false)
  if (confirming) {
    return (
      <div className="card__confirm" role="group" aria-label="Confirm: mark as done" data-testid="settle-confirm-box">
        <p>
          Mark as done only if you have checked your CRM and the change is there. Countersign will record it as done and run nothing.
        </p>
        <div className="card__buttons">
          <button
            type="button"
            className="button"
            data-testid="settle-mark-done-confirm"
            disabled={busy !== null}
            autoFocus
            onClick={() => onSettle('mark_done')}
          >
            Yes, it happened — mark as done
          </button>
          <button type="button" className="button button--ghost" disabled={busy !== null} onClick={() => setConfirming(false)}>
            Cancel
          </button>
        </div>
      </div>
    )
  }
  return (
    <div className="card__buttons">
      <button type="button" className="button" data-testid="settle-mark-done" disabled={busy !== null} onClick={() => setConfirming(true)}>
        Mark as done…
      </button>
      <button type="button" className="button" data-testid="settle-run-again" disabled={busy !== null} onClick={() => onSettle('run_again')}>
        Run again
      </button>
    </div>
  )
}
