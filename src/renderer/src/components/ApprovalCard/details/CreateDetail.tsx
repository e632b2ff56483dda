import type { CardDetail } from '../../../../../shared/domain'
import { recordTypeLabel } from '../labels'
import { Value } from './Value'

type Create = Extract<CardDetail, { kind: 'create' }>

export function CreateDetail({ detail }: { detail: Create }) {
  return (
    <>
      <p className="detail__record">New {recordTypeLabel(detail.recordType).toLowerCase()}</p>
      <dl className="detail-list">
        {detail.fields.map((field) => (
          <div key={field.field} className="detail-list__row">
            <dt>{field.label}</dt>
            <dd>
              <Value text={field.value} />
            </dd>
          </div>
        ))}
      </dl>
    </>
  )
}
