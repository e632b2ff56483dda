import { useRef, useState, type ReactNode } from 'react'

type Props = {
  busy: string | null
  onApprove: () => void
  onDecline: (reason: string) => Promise<void>
  declineOpen: boolean
  setDeclineOpen: (open: boolean) => void
  /** Shown next to the buttons, e.g. an email's recipients and subject. */
  context?: ReactNode
  /** Opens the edit form, where the card's proposal can be changed before deciding. */
  onEdit?: () => void
}

/** Approve, or decline with an optional reason. */
export function DecisionBar({ busy, onApprove, onDecline, declineOpen, setDeclineOpen, context, onEdit }: Props) {
  const [reason, setReason] = useState('')
  const declineButton = useRef<HTMLButtonElement>(null)

  const close = () => {
    setDeclineOpen(false)
    // Back to the button that opened the form.
    requestAnimationFrame(() => declineButton.current?.focus())
  }

  if (declineOpen) {
    return (
      <div
        className="card__decline"
        onKeyDown={(e) => {
          if (e.key === 'Escape') {
            e.preventDefault()
            e.stopPropagation()
            close()
          }
        }}
      >
        <label className="field">
          <span className="field__label">Reason (optional) — the assistant will be told</span>
          <textarea
            className="textarea"
            data-testid="decline-reason"
            rows={2}
            maxLength={2000}
            value={reason}
            disabled={busy !== null}
            autoFocus
            onChange={(e) => setReason(e.target.value)}
            placeholder="For example: the amount is wrong"
          />
        </label>
        <div className="card__actions">
          <button
            type="button"
            className="button button--danger"
            data-testid="decline-confirm"
            disabled={busy !== null}
            onClick={async () => {
              await onDecline(reason.trim())
              setReason('')
            }}
          >
            Decline
          </button>
          <button type="button" className="button button--ghost" disabled={busy !== null} onClick={close}>
            Cancel
          </button>
        </div>
      </div>
    )
  }

  return (
    <div className="card__actions card__actions--decide">
      {context}
      <div className="card__buttons">
        <button type="button" className="button button--primary" data-testid="approve-button" disabled={busy !== null} onClick={onApprove}>
          Approve
        </button>
        <button
          type="button"
          className="button"
          data-testid="decline-button"
          ref={declineButton}
          disabled={busy !== null}
          onClick={() => setDeclineOpen(true)}
        >
          Decline
        </button>
        {onEdit && (
          <button type="button" className="button button--ghost" data-testid="edit-button" disabled={busy !== null} onClick={onEdit}>
            Edit…
          </button>
        )}
      </div>
    </div>
  )
}
