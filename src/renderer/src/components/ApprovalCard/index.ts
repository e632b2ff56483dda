export { ApprovalCard } from './ApprovalCard'
export { STATE, recordTypeLabel } from './labels'
export { CardDetail } from './details'
