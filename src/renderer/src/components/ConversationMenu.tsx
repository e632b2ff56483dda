import { useState } from 'react'
import { errorMessage } from '../api/errors'
import { useAppDispatch } from '../store/hooks'
import { deleteConversation, renameConversation } from '../store/thunks'

/** Rename and delete for the open conversation. Delete asks first; main refuses while an action in
 *  it waits or runs, and the audit trail keeps its record either way. */
export function ConversationMenu({ conversationId, title }: { conversationId: string; title: string }) {
  const dispatch = useAppDispatch()
  const [mode, setMode] = useState<'idle' | 'rename' | 'delete'>('idle')
  const [name, setName] = useState(title)
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)

  const run = async (work: () => Promise<unknown>) => {
    setBusy(true)
    setError(null)
    try {
      await work()
      setMode('idle')
    } catch (e) {
      setError(errorMessage(e))
    } finally {
      setBusy(false)
    }
  }

  if (mode === 'rename') {
    return (
      <form
        className="conversation-menu"
        onSubmit={(e) => {
          e.preventDefault()
          void run(() => dispatch(renameConversation({ conversationId, title: name })).unwrap())
        }}
        onKeyDown={(e) => {
          if (e.key === 'Escape') setMode('idle')
        }}
      >
        <label className="visually-hidden" htmlFor="conversation-name">
          Conversation name
        </label>
        <input id="conversation-name" className="input input--small" data-testid="conversation-name" value={name} maxLength={120} autoFocus onChange={(e) => setName(e.target.value)} />
        <button type="submit" className="button button--small" disabled={busy} data-testid="conversation-rename-save">
          Save
        </button>
        <button type="button" className="button button--small button--ghost" onClick={() => setMode('idle')}>
          Cancel
        </button>
        {error && (
          <p role="alert" className="field-error">
            {error}
          </p>
        )}
      </form>
    )
  }
  if (mode === 'delete') {
    return (
      <div className="conversation-menu" role="group" aria-label="Delete this conversation">
        <span>Delete this conversation? Its approvals stay in the audit trail.</span>
        <button type="button" className="button button--small button--danger" disabled={busy} data-testid="conversation-delete-confirm" onClick={() => void run(() => dispatch(deleteConversation(conversationId)).unwrap())}>
          Delete
        </button>
        <button type="button" className="button button--small button--ghost" autoFocus onClick={() => setMode('idle')}>
          Keep it
        </button>
        {error && (
          <p role="alert" className="field-error" data-testid="conversation-delete-error">
            {error}
          </p>
        )}
      </div>
    )
  }
  return (
    <div className="conversation-menu">
      <button
        type="button"
        className="button button--small button--ghost"
        data-testid="conversation-rename"
        onClick={() => {
          setName(title)
          setMode('rename')
        }}
      >
        Rename
      </button>
      <button type="button" className="button button--small button--ghost" data-testid="conversation-delete" onClick={() => setMode('delete')}>
        Delete
      </button>
    </div>
  )
}
