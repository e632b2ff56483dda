export { TrytonConnector, type TrytonConnectorOptions } from './connector'
export { TrytonSession } from './session'
export { SUPPORTED_SERIES } from './version'
