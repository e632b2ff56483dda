import { useEffect, useRef, useState, type KeyboardEvent } from 'react'
import type { ConversationStatus } from '../../../shared/domain'
import { errorMessage } from '../api/errors'
import { useAppDispatch, useAppSelector } from '../store/hooks'
import { sendMessage, stopConversation } from '../store/thunks'
import { draftChanged, sendErrorChanged } from '../store/uiSlice'

type Props = { conversationId: string | null; status: ConversationStatus; disabled?: boolean }

export function Composer({ conversationId, status, disabled = false }: Props) {
  const dispatch = useAppDispatch()
  const key = conversationId ?? ''
  const draft = useAppSelector((s) => s.ui.drafts[key] ?? '')
  // A failed send's reason lives in the store: sending from home opens a new conversation, whose
  // composer is another instance and must still show why the text did not go.
  const sendError = useAppSelector((s) => s.ui.sendErrors[key] ?? null)
  const focusNonce = useAppSelector((s) => s.ui.composerFocusNonce)
  const [sending, setSending] = useState(false)
  const [stopping, setStopping] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const inputRef = useRef<HTMLTextAreaElement>(null)
  const running = status === 'running'

  useEffect(() => {
    inputRef.current?.focus()
  }, [focusNonce, conversationId])

  const canSend = !disabled && !sending && !running && draft.trim().length > 0

  async function send(): Promise<void> {
    if (!canSend) return
    setSending(true)
    setError(null)
    dispatch(sendErrorChanged({ key, message: null }))
    try {
      await dispatch(sendMessage({ conversationId, text: draft.trim() })).unwrap()
    } catch {
      // sendMessage has put the reason in the store, where the composer now on screen reads it.
    } finally {
      setSending(false)
    }
  }

  async function stop(): Promise<void> {
    if (!conversationId) return
    setStopping(true)
    setError(null)
    try {
      await dispatch(stopConversation(conversationId)).unwrap()
    } catch (e) {
      setError(errorMessage(e))
    } finally {
      setStopping(false)
    }
  }

  function onKeyDown(e: KeyboardEvent<HTMLTextAreaElement>): void {
    if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
      e.preventDefault()
      void send()
    }
  }

  return (
    <div className="composer">
      {(error ?? sendError) && (
        <p className="composer__error" role="alert" data-testid="composer-error">
          {error ?? sendError}
        </p>
      )}
      {status === 'waiting' && <p className="composer__hint">The assistant is waiting for your decision on a card above.</p>}
      <div className="composer__box">
        <textarea
          ref={inputRef}
          className="composer__input"
          data-testid="composer-input"
          rows={2}
          maxLength={20_000}
          placeholder={disabled ? 'The assistant is not available' : 'Ask about your CRM… (Enter to send, Shift+Enter for a new line)'}
          value={draft}
          disabled={disabled}
          onChange={(e) => dispatch(draftChanged({ key, text: e.target.value }))}
          onKeyDown={onKeyDown}
          aria-label="Message"
        />
        <div className="composer__buttons">
          {running && (
            <button type="button" className="button" data-testid="composer-stop" disabled={stopping} onClick={stop}>
              <span className="stop-square" aria-hidden="true" /> Stop
            </button>
          )}
          <button type="button" className="button button--primary" data-testid="composer-send" disabled={!canSend} onClick={send}>
            {sending ? 'Sending…' : 'Send'}
          </button>
        </div>
      </div>
    </div>
  )
}
