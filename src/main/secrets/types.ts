// Secrets (CRM passwords or tokens, provider API keys) live only in the OS keychain.
// Nothing here ever falls back to a file: a missing or locked keychain is an error the user sees.

export { KeychainError } from '../errors'

export interface SecretStore {
  /** null when no secret is stored under this key. Throws KeychainError when the keychain is unusable. */
  get(account: string): Promise<string | null>
  set(account: string, secret: string): Promise<void>
  /** true when something was removed. */
  delete(account: string): Promise<boolean>
}

/** Keychain entries are namespaced so CRM and provider secrets cannot collide. */
export const secretKeys = {
  crm: (accountId: string) => `crm:${accountId}`,
  provider: (kind: string, endpointHost: string) => `provider:${kind}:${endpointHost}`
}
