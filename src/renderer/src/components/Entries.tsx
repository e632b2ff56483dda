import { memo, useState } from 'react'
import type { Entry } from '../../../shared/domain'
import { errorMessage } from '../api/errors'
import { formatTime } from '../format'
import { useAppDispatch } from '../store/hooks'
import { keepStoppedAnswer, retryConversation } from '../store/thunks'
import { CopyButton } from './CopyButton'
import { SafeMarkdown } from './Markdown'
import { RetryButton } from './RetryButton'
import { AnswerUsage } from './TokenUsage'

type ToolEntry = Extract<Entry, { kind: 'tool' }>
type NoticeEntry = Extract<Entry, { kind: 'notice' }>

export const EntryView = memo(function EntryView({ entry, conversationId }: { entry: Entry; conversationId: string }) {
  switch (entry.kind) {
    case 'user':
      return (
        <div className="entry entry--user" data-testid="entry-user" data-entry-id={entry.id}>
          <div className="bubble bubble--user">{entry.text}</div>
          <time className="entry__time">{formatTime(entry.at)}</time>
        </div>
      )
    case 'assistant':
      return (
        <div
          className={`entry entry--assistant${entry.streaming ? ' is-streaming' : ''}`}
          data-testid="entry-assistant"
          data-entry-id={entry.id}
          data-streaming={entry.streaming ? 'true' : 'false'}
        >
          <div className="assistant-avatar" aria-hidden="true">
            C
          </div>
          <div className="assistant-body">
            {entry.text ? <SafeMarkdown text={entry.text} /> : entry.streaming ? <p className="muted">Thinking…</p> : null}
            {entry.streaming && <span className="caret" aria-hidden="true" />}
            {!entry.streaming && <AnswerUsage usage={entry.usage} />}
            {!entry.streaming && entry.text && (
              <div className="assistant-tools">
                <CopyButton text={() => entry.text} what="answer" />
              </div>
            )}
            {entry.stopped && <StoppedNote entryId={entry.id} conversationId={conversationId} stopped={entry.stopped} />}
          </div>
        </div>
      )
    case 'tool':
      return <ToolRow entry={entry} />
    case 'notice':
      return <NoticeRow entry={entry} conversationId={conversationId} />
  }
})

/** After Stop, the partial answer is not sent back to the model unless the user keeps it. */
function StoppedNote({ entryId, conversationId, stopped }: { entryId: string; conversationId: string; stopped: 'unused' | 'kept' }) {
  const dispatch = useAppDispatch()
  const [error, setError] = useState<string | null>(null)
  if (stopped === 'kept') return <p className="muted stopped-note">You kept this partial answer; the assistant will read it as what it said.</p>
  return (
    <div className="stopped-note">
      <p className="muted">You stopped this answer. The assistant will not see this partial text unless you keep it.</p>
      <button
        type="button"
        className="button button--secondary"
        onClick={() => {
          setError(null)
          dispatch(keepStoppedAnswer({ conversationId, entryId }))
            .unwrap()
            .catch((e: unknown) => setError(errorMessage(e)))
        }}
      >
        Keep this answer
      </button>
      {error && (
        <p role="alert" className="field-error">
          {error}
        </p>
      )}
    </div>
  )
}

const TOOL_STATUS: Record<ToolEntry['status'], string> = {
  running: 'Running',
  done: 'Done',
  error: 'Error',
  waiting: 'Waiting for approval',
  declined: 'Declined',
  cancelled: 'Cancelled'
}

function ToolRow({ entry }: { entry: ToolEntry }) {
  const [open, setOpen] = useState(false)
  const hasResult = entry.resultText !== null && entry.resultText !== ''
  return (
    <div
      className={`entry entry--tool tool tool--${entry.status}`}
      data-testid="entry-tool"
      data-status={entry.status}
      data-ability={entry.ability}
      data-entry-id={entry.id}
    >
      <div className="tool__row">
        <span className={`tool__status-icon tool__status-icon--${entry.status}`} aria-hidden="true">
          {entry.status === 'running' ? <span className="spinner spinner--small" /> : statusGlyph(entry.status)}
        </span>
        <span className="tool__title">{entry.title}</span>
        {entry.effect && <span className={`effect-badge effect-badge--${entry.effect}`}>{entry.effect}</span>}
        <span className="tool__input" title={entry.inputText}>
          {entry.inputText}
        </span>
        <span className={`tool__status tool__status--${entry.status}`}>{TOOL_STATUS[entry.status]}</span>
        {hasResult && (
          <button type="button" className="link-button tool__toggle" aria-expanded={open} onClick={() => setOpen(!open)}>
            {open ? 'Hide result' : 'Show result'}
          </button>
        )}
      </div>
      {hasResult && open && (
        <pre className="tool__result" data-testid="tool-result">
          {entry.resultText}
        </pre>
      )}
    </div>
  )
}

function statusGlyph(status: ToolEntry['status']): string {
  switch (status) {
    case 'done':
      return '✓'
    case 'error':
      return '!'
    case 'waiting':
      return '…'
    case 'declined':
      return '×'
    case 'cancelled':
      return '–'
    default:
      return ''
  }
}

function NoticeRow({ entry, conversationId }: { entry: NoticeEntry; conversationId: string }) {
  const dispatch = useAppDispatch()
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const retry = async () => {
    setBusy(true)
    setError(null)
    try {
      await dispatch(retryConversation(conversationId)).unwrap()
    } catch (e) {
      setError(errorMessage(e))
    } finally {
      setBusy(false)
    }
  }
  return (
    <div className={`entry entry--notice notice notice--${entry.level}`} data-testid="entry-notice" data-level={entry.level} role={entry.level === 'error' ? 'alert' : undefined}>
      <p className="notice__text">{entry.text}</p>
      {entry.retryable && <RetryButton at={entry.at} retryAfterSeconds={entry.retryAfterSeconds} busy={busy} onRetry={retry} />}
      {error && <p className="notice__error">{error}</p>}
    </div>
  )
}
