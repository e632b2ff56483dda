import { useState } from 'react'
import type { ActionView } from '../../../../shared/domain'
import { errorMessage } from '../../api/errors'
import { useAppDispatch } from '../../store/hooks'
import { editAction } from '../../store/thunks'

/** The abilities whose proposals a person can change before approving. */
export function canEdit(action: ActionView): boolean {
  const input = action.input as Record<string, unknown> | undefined
  if (!input || typeof input !== 'object') return false
  if (action.ability === 'send_message') return true
  return (action.ability === 'update_record' || action.ability === 'create_record') && typeof input.fields === 'object' && input.fields !== null
}

type Fields = Record<string, string | number | boolean | null>

/**
 * Edit before approving: the fields the effect uses, starting from what the assistant proposed.
 * Main checks the edit like any proposal and answers with a new card (a new hash); the model is
 * told what was changed.
 */
export function EditForm({ action, onClose }: { action: ActionView; onClose: () => void }) {
  const dispatch = useAppDispatch()
  const input = action.input as Record<string, unknown>
  const message = action.ability === 'send_message'
  const [to, setTo] = useState(message ? ((input.to as string[]) ?? []).join('\n') : '')
  const [subject, setSubject] = useState(message ? String(input.subject ?? '') : '')
  const [body, setBody] = useState(message ? String(input.body ?? '') : '')
  const original = (message ? {} : (input.fields as Fields)) ?? {}
  const [fields, setFields] = useState<Record<string, string>>(() => Object.fromEntries(Object.entries(original).map(([k, v]) => [k, v === null ? '' : String(v)])))
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)

  const edited = (): Record<string, unknown> => {
    if (message) {
      return { ...input, to: to.split('\n').map((t) => t.trim()).filter(Boolean), subject, body }
    }
    // Numbers stay numbers; an empty box clears the field.
    const next: Fields = {}
    for (const [key, text] of Object.entries(fields)) {
      const was = original[key]
      next[key] = text === '' ? null : typeof was === 'number' && /^-?[\d.,]+$/.test(text.trim()) ? Number(text.replace(/,/g, '')) : text
    }
    return { ...input, fields: next }
  }

  const submit = async () => {
    setBusy(true)
    setError(null)
    try {
      await dispatch(editAction({ actionId: action.id, hash: action.hash, input: edited() })).unwrap()
      onClose()
    } catch (e) {
      setError(errorMessage(e))
    } finally {
      setBusy(false)
    }
  }

  return (
    <form
      className="card__edit"
      data-testid="edit-form"
      onSubmit={(e) => {
        e.preventDefault()
        void submit()
      }}
      onKeyDown={(e) => {
        if (e.key === 'Escape') {
          e.stopPropagation()
          onClose()
        }
      }}
    >
      {message ? (
        <>
          <label className="field">
            <span className="field__label">To (one recipient per line: an address or a contact)</span>
            <textarea className="textarea" data-testid="edit-to" rows={2} value={to} onChange={(e) => setTo(e.target.value)} />
          </label>
          <label className="field">
            <span className="field__label">Subject</span>
            <input className="input" data-testid="edit-subject" value={subject} maxLength={300} onChange={(e) => setSubject(e.target.value)} />
          </label>
          <label className="field">
            <span className="field__label">Message</span>
            <textarea className="textarea" data-testid="edit-body" rows={6} value={body} onChange={(e) => setBody(e.target.value)} />
          </label>
        </>
      ) : (
        Object.keys(fields).map((key) => (
          <label className="field" key={key}>
            <span className="field__label">{labelOf(action, key)}</span>
            <input className="input" data-testid={`edit-field-${key}`} value={fields[key]} onChange={(e) => setFields({ ...fields, [key]: e.target.value })} />
          </label>
        ))
      )}
      <p className="hint">Saving makes a new card with your changes; approve that one. The assistant is told what you changed.</p>
      <div className="card__actions">
        <button type="submit" className="button button--primary" data-testid="edit-save" disabled={busy}>
          {busy ? 'Checking…' : 'Save changes'}
        </button>
        <button type="button" className="button button--ghost" disabled={busy} onClick={onClose}>
          Cancel
        </button>
      </div>
      {error && (
        <p role="alert" className="card__refusal" data-testid="edit-error">
          {error}
        </p>
      )}
    </form>
  )
}

function labelOf(action: ActionView, key: string): string {
  const detail = action.card.detail
  if (detail.kind === 'update') return detail.changes.find((c) => c.field === key)?.label ?? key
  if (detail.kind === 'create') return detail.fields.find((f) => f.field === key)?.label ?? key
  return key
}
