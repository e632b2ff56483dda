import type { ActionView } from '../../../../shared/domain'
import { recordTypeLabel } from '../ApprovalCard'

/** The essentials of a row: what it touches or whom it addresses. */
export function whomOf(action: ActionView): string {
  const detail = action.card.detail
  switch (detail.kind) {
    case 'message':
      return detail.to.length ? `To ${detail.to.map((r) => r.name).join(', ')}` : 'No recipient'
    case 'update':
      return `${recordTypeLabel(detail.record.type)} ${detail.record.label}`
    case 'create':
      return `New ${recordTypeLabel(detail.recordType).toLowerCase()}`
    case 'automation':
      return `Automation ${detail.automation.label}`
    case 'read':
      return 'Look-up'
  }
}
