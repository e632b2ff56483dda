// In-memory SecretStore for tests only. Never composed into the app: secrets live in the keychain.
import { KeychainError, type SecretStore } from './types'

export class MemorySecretStore implements SecretStore {
  readonly entries = new Map<string, string>()
  /** Set to a message to make every call fail as a locked keychain would. */
  failWith: string | null = null

  async get(account: string): Promise<string | null> {
    this.check()
    return this.entries.get(account) ?? null
  }

  async set(account: string, secret: string): Promise<void> {
    this.check()
    this.entries.set(account, secret)
  }

  async delete(account: string): Promise<boolean> {
    this.check()
    return this.entries.delete(account)
  }

  private check(): void {
    if (this.failWith !== null) throw new KeychainError(this.failWith)
  }
}
