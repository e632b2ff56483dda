import type { CardDetail } from '../../../../../shared/domain'
import { recordTypeLabel } from '../labels'

type Message = Extract<CardDetail, { kind: 'message' }>

/** Recipients as "Name <address>", for the card and its sticky action bar. */
export function recipientsText(detail: Message): string {
  return detail.to.map((r) => `${r.name} <${r.address}>`).join(', ')
}

export function MessageDetail({ detail }: { detail: Message }) {
  return (
    <dl className="detail-list detail-list--message">
      <div className="detail-list__row">
        <dt>To</dt>
        <dd>
          {detail.to.length === 0 ? (
            <span className="empty-value">(no recipient)</span>
          ) : (
            detail.to.map((r, i) => (
              <span key={`${r.address}-${i}`} className="recipient">
                {r.name} &lt;{r.address}&gt;
              </span>
            ))
          )}
        </dd>
      </div>
      <div className="detail-list__row">
        <dt>Subject</dt>
        <dd>{detail.subject}</dd>
      </div>
      {detail.about && (
        <div className="detail-list__row">
          <dt>About</dt>
          <dd>
            {recordTypeLabel(detail.about.type)} {detail.about.label}
          </dd>
        </div>
      )}
      <div className="detail-list__row">
        <dt>Message</dt>
        <dd>
          <pre className="message-body" tabIndex={0} aria-label="Message text">
            {detail.body}
          </pre>
        </dd>
      </div>
    </dl>
  )
}
