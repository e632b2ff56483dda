import type { CardDetail } from '../../../../../shared/domain'

type Automation = Extract<CardDetail, { kind: 'automation' }>

/** The consequence without the automation's description repeated in it (the description has its own row). */
export function consequenceText(detail: Automation): string {
  const description = detail.description.trim()
  let text = detail.consequence.trim()
  if (description && text.endsWith(description)) {
    text = text.slice(0, -description.length).replace(/[\s:,—-]+$/, '')
    if (text && !/[.!?]$/.test(text)) text += '.'
  }
  return text
}

export function AutomationDetail({ detail }: { detail: Automation }) {
  const consequence = consequenceText(detail)
  return (
    <dl className="detail-list">
      <div className="detail-list__row">
        <dt>Automation</dt>
        <dd>
          <strong>{detail.automation.label}</strong>
        </dd>
      </div>
      <div className="detail-list__row">
        <dt>What it does</dt>
        <dd>{detail.description}</dd>
      </div>
      <div className="detail-list__row">
        <dt>Change</dt>
        <dd>
          <span className={`switch-badge switch-badge--${detail.switchTo}`}>Switch {detail.switchTo}</span>
          {consequence && <span className="detail-list__note"> {consequence}</span>}
        </dd>
      </div>
    </dl>
  )
}
