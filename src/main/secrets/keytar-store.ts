// The OS keychain through keytar (libsecret on Linux, Keychain on macOS, Credential Vault on
// Windows). The only adapter that imports keytar. It never falls back to a file: any failure of
// the keychain becomes a KeychainError whose message the user can act on.
import { KeychainError, type SecretStore } from './types'

export const KEYCHAIN_SERVICE = 'Countersign'

interface KeytarApi {
  getPassword(service: string, account: string): Promise<string | null>
  setPassword(service: string, account: string, password: string): Promise<void>
  deletePassword(service: string, account: string): Promise<boolean>
}

type KeytarLoader = () => Promise<KeytarApi>

const loadKeytar: KeytarLoader = async () => {
  // keytar is a native CommonJS module: load it only when a secret is first needed, so that
  // importing this file (and everything above it) never touches the native binding.
  const mod = (await import('keytar')) as unknown as { default?: KeytarApi } & Partial<KeytarApi>
  const api = (mod.default ?? mod) as KeytarApi
  if (typeof api.getPassword !== 'function') throw new Error('keytar did not load')
  return api
}

const NEVER_FILES = 'Countersign never stores passwords in files.'

/** Turns whatever keytar/libsecret threw into a message that says what is wrong and what to do. */
export function describeKeychainFailure(error: unknown): string {
  const raw = error instanceof Error ? error.message : String(error)
  const text = raw.toLowerCase()
  let reason: string
  if (text.includes('autolaunch d-bus') || text.includes('could not connect') || text.includes('dbus_session_bus_address') || text.includes('failed to connect to socket') || text.includes('d-bus')) {
    reason =
      'no desktop session bus (D-Bus) is reachable, so the Secret Service cannot be asked. Sign in to a desktop session, or start one with a keyring (for example gnome-keyring or KWallet).'
  } else if (text.includes('org.freedesktop.secrets') || text.includes('serviceunknown') || text.includes('was not provided by any .service files') || text.includes('no such secret collection')) {
    reason = 'no Secret Service (such as gnome-keyring or KWallet) is running. Install or start one, then try again.'
  } else if (text.includes('cancel') || text.includes('dismissed') || text.includes('prompt')) {
    reason = 'unlocking the keyring was cancelled. Unlock it when asked, then try again.'
  } else if (text.includes('locked') || text.includes('is not unlocked')) {
    reason = 'the keyring is locked. Unlock it (usually by signing in again), then try again.'
  } else if (text.includes('keytar') || text.includes('.node') || text.includes('module')) {
    reason = 'the keychain component could not be loaded on this system.'
  } else {
    reason = `the keychain refused the request (${sanitize(raw)}).`
  }
  return `Your system keychain is unavailable: ${reason} ${NEVER_FILES}`
}

function sanitize(message: string): string {
  return message.replace(/\s+/g, ' ').trim().slice(0, 200)
}

export class KeytarSecretStore implements SecretStore {
  private api: Promise<KeytarApi> | null = null

  constructor(
    private readonly service: string = KEYCHAIN_SERVICE,
    private readonly load: KeytarLoader = loadKeytar
  ) {}

  async get(account: string): Promise<string | null> {
    return this.call((k) => k.getPassword(this.service, account))
  }

  async set(account: string, secret: string): Promise<void> {
    await this.call((k) => k.setPassword(this.service, account, secret))
  }

  async delete(account: string): Promise<boolean> {
    return this.call((k) => k.deletePassword(this.service, account))
  }

  private async call<T>(run: (api: KeytarApi) => Promise<T>): Promise<T> {
    let api: KeytarApi
    try {
      this.api ??= this.load()
      api = await this.api
    } catch (error) {
      this.api = null
      throw new KeychainError(describeKeychainFailure(error))
    }
    try {
      return await run(api)
    } catch (error) {
      throw new KeychainError(describeKeychainFailure(error))
    }
  }
}
