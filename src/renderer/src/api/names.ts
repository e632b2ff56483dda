// The contract's message names, without its runtime schemas (see src/shared/message-names.ts).
export { REQUEST_NAME_LIST as REQUEST_NAMES, EVENT_NAME_LIST as EVENT_NAMES } from '../../../shared/message-names'
