import type { CardDetail } from '../../../../../shared/domain'
import { inputLabel, inputValue } from '../labels'

type Read = Extract<CardDetail, { kind: 'read' }>

/** A read the user chose to confirm every time: what it will look up. */
export function ReadDetail({ detail }: { detail: Read }) {
  return (
    <dl className="detail-list">
      {detail.inputs.length === 0 ? (
        <div className="detail-list__row">
          <dt>Looks up</dt>
          <dd>Everything this ability returns, with your permissions</dd>
        </div>
      ) : (
        detail.inputs.map((input) => (
          <div className="detail-list__row" key={input.label}>
            <dt>{inputLabel(input.label)}</dt>
            <dd>{inputValue(input.value)}</dd>
          </div>
        ))
      )}
    </dl>
  )
}
