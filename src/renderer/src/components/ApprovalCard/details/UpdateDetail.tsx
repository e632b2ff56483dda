import type { ActionState, CardDetail } from '../../../../../shared/domain'
import { changeHeadings, recordTypeLabel } from '../labels'
import { Value } from './Value'

type Update = Extract<CardDetail, { kind: 'update' }>

export function UpdateDetail({ detail, state }: { detail: Update; state: ActionState }) {
  const headings = changeHeadings(state)
  return (
    <>
      <p className="detail__record">
        {recordTypeLabel(detail.record.type)} <strong>{detail.record.label}</strong>
      </p>
      <table className="detail-table">
        <thead>
          <tr>
            <th scope="col">Field</th>
            <th scope="col">{headings.before}</th>
            <th scope="col">{headings.after}</th>
          </tr>
        </thead>
        <tbody>
          {detail.changes.map((change) => {
            const changed = change.before !== change.after
            return (
              <tr key={change.field} className={changed ? 'is-changed' : undefined} data-field={change.field}>
                <th scope="row">{change.label}</th>
                <td className="detail-table__before" data-testid="detail-before">
                  <Value text={change.before} />
                </td>
                <td className="detail-table__after" data-testid="detail-after">
                  <Value text={change.after} />
                  {!changed && <span className="visually-hidden"> (unchanged)</span>}
                </td>
              </tr>
            )
          })}
        </tbody>
      </table>
    </>
  )
}
