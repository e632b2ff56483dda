export { TrytonConnector, type TrytonConnectorOptions } from './connector'
export { TrytonSession } from './session'
