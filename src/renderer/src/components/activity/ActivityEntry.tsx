import type { ActivityItem, ActivityWrite, RecordMentionView } from '../../../../shared/activity'
import { formatDateTime } from '../../format'
import { useAppDispatch } from '../../store/hooks'
import { focusRequested, viewSelected } from '../../store/uiSlice'
import { formatTokens, formatUsd, outcomeWord } from './format'

export type RecordFilter = { key: string; label: string }

/** One request: what was asked and answered, what was read and written, the model, tokens and cost. */
export function ActivityEntry({ item, onRecord, onConversation }: { item: ActivityItem; onRecord: (r: RecordFilter) => void; onConversation: (id: string, title: string) => void }) {
  const dispatch = useAppDispatch()
  const conversationTitle = item.conversationTitle ?? 'a conversation'
  return (
    <li className="activity-item" data-testid="activity-item" data-item-id={item.id} data-status={item.status}>
      <div className="activity-item__head">
        <time className="muted small" dateTime={new Date(item.at).toISOString()}>
          {formatDateTime(item.at)}
        </time>
        <span className={`activity-badge activity-badge--${item.status}`}>{outcomeWord(item.status)}</span>
        {item.conversationId && (
          <>
            <button type="button" className="link-button small" data-testid="activity-open-conversation" onClick={() => dispatch(viewSelected({ kind: 'conversation', conversationId: item.conversationId! }))}>
              Open “{conversationTitle}”
            </button>
            <button type="button" className="link-button small" data-testid="activity-filter-conversation" onClick={() => onConversation(item.conversationId!, conversationTitle)}>
              All activity in this conversation
            </button>
          </>
        )}
      </div>
      {item.question !== null && (
        <p className="activity-item__question" data-testid="activity-question">
          <span className="muted">Asked: </span>
          {item.question}
        </p>
      )}
      {item.answer !== null && (
        <p className="activity-item__answer" data-testid="activity-answer">
          <span className="muted">Answered: </span>
          {item.answer}
        </p>
      )}

      {item.reads.length > 0 && (
        <ul className="activity-item__calls">
          {item.reads.map((read) => (
            <li key={read.toolCallId} data-testid="activity-read" data-ability={read.ability} data-outcome={read.outcome}>
              <span className="activity-call__kind">{read.outcome === 'refused' ? 'Refused' : 'Read'}</span> <code>{read.ability}</code>
              {read.summary && <span>: {read.summary}</span>}
              {read.detail && <span className="muted"> — {read.detail}</span>}
              <Records records={read.records} more={read.moreRecords} onRecord={onRecord} />
            </li>
          ))}
        </ul>
      )}

      {item.writes.length > 0 && (
        <ul className="activity-item__calls">
          {item.writes.map((write) => (
            <WriteLine key={write.actionId} write={write} conversationId={item.conversationId} onRecord={onRecord} onOpenCard={(actionId, conversationId) => dispatch(focusRequested({ actionId, conversationId }))} />
          ))}
        </ul>
      )}

      <p className="activity-item__usage muted small">
        {item.providers.map((p) => `${p.provider} · ${p.model}`).join('; ') || 'No model call recorded'}
        {' · '}
        <span data-testid="activity-tokens" data-input={item.inputTokens ?? ''} data-output={item.outputTokens ?? ''}>
          {formatTokens(item.inputTokens, item.outputTokens)}
        </span>
        {' · '}
        <span data-testid="activity-cost" data-usd={item.costUsd ?? ''}>
          {item.costUsd === null ? 'no price for this model: tokens only' : formatUsd(item.costUsd)}
          {item.costUsd !== null && item.unpricedSteps > 0 ? ` (+ ${item.unpricedSteps} step${item.unpricedSteps === 1 ? '' : 's'} without a price)` : ''}
        </span>
      </p>
    </li>
  )
}

function WriteLine({ write, conversationId, onRecord, onOpenCard }: { write: ActivityWrite; conversationId: string | null; onRecord: (r: RecordFilter) => void; onOpenCard: (actionId: string, conversationId: string) => void }) {
  const outcome = outcomeWord(write.outcome)
  return (
    <li data-testid="activity-write" data-ability={write.ability} data-outcome={write.outcome} data-action-id={write.actionId}>
      <span className="activity-call__kind">Write</span> <code>{write.ability}</code>
      {write.summary && <span>: {write.summary}</span>}
      <div className="activity-write__outcome">
        <span className={`activity-badge activity-badge--${write.outcome}`} data-testid="activity-write-outcome">
          {outcome}
        </span>
        {write.decidedAt !== null && (
          <span className="small">
            {' '}
            {write.outcome === 'declined' ? 'declined' : 'approved'} by {write.decidedBy ?? 'you'} on {formatDateTime(write.decidedAt)}
          </span>
        )}
        {write.declineReason && <span className="small" data-testid="activity-decline-reason">: “{write.declineReason}”</span>}
        {write.result && write.outcome !== 'declined' && <span className="small muted"> — {write.result}</span>}
        {write.settled && <span className="small"> (settled: {write.settled})</span>}
        {conversationId && (
          <button type="button" className="link-button small" data-testid="activity-open-card" onClick={() => onOpenCard(write.actionId, conversationId)}>
            Show the card
          </button>
        )}
      </div>
      <Records records={write.records} more={0} onRecord={onRecord} />
    </li>
  )
}

function Records({ records, more, onRecord }: { records: RecordMentionView[]; more: number; onRecord: (r: RecordFilter) => void }) {
  if (records.length === 0) return null
  return (
    <div className="activity-records">
      {records.map((r) => (
        <button
          key={`${r.type}:${r.id}`}
          type="button"
          className="record-chip"
          data-testid="activity-record"
          data-record={`${r.type}:${r.id}`}
          title={`Everything the assistant did to ${r.label}`}
          onClick={() => onRecord({ key: `${r.type}:${r.id}`, label: r.label })}
        >
          {r.label} <span className="muted">({r.type} {r.id})</span>
        </button>
      ))}
      {more > 0 && <span className="muted small">and {more} more</span>}
    </div>
  )
}
