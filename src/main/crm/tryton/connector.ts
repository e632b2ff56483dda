// The Tryton 6.0 connector: asks the server its version, signs one user in with their own login
// and password over JSON-RPC and hands back a session that acts only with that user's rights.
import { CrmError, type CrmConnector, type CrmSession, type Credentials } from '../types'
import { TrytonRpc } from './rpc'
import { TrytonSession } from './session'
import { TrytonTransport } from './transport'
import { checkServerVersion } from './version'

export interface TrytonConnectorOptions {
  /** Top-level party category whose members are persons (contacts). Default "Contact". */
  contactCategory?: string
  /** Top-level party category whose children name industries. Default "Industry". */
  industryCategory?: string
  /** party_relationship type from a person to the company they work for. Default "Works for". */
  relationType?: string
  /**
   * Language asked at login. Later calls carry the user's own language from Tryton; refusals are
   * recognised in any language (refusals.ts).
   */
  language?: string
  /** Per-request timeout in milliseconds. Default 30 s. */
  timeoutMs?: number
  /**
   * Keep the password in this process's memory for the life of the session so an expired
   * session is renewed once without asking the user. Default true. When false an expired
   * session raises CrmError('session_expired').
   */
  rememberPassword?: boolean
  fetch?: typeof fetch
}

export class TrytonConnector implements CrmConnector {
  readonly kind = 'tryton' as const

  constructor(private readonly options: TrytonConnectorOptions = {}) {}

  async signIn(credentials: Credentials): Promise<CrmSession> {
    if (credentials.kind !== 'tryton') throw new CrmError('invalid', 'The Tryton connector needs Tryton credentials.')
    const { serverUrl, database, login, password } = credentials
    // The address is checked first (it must not carry credentials), before anything is sent.
    const rpc = new TrytonRpc(serverUrl, database, { timeoutMs: this.options.timeoutMs, fetch: this.options.fetch })
    if (!login || !password) throw new CrmError('auth', 'A Tryton login and password are required.')
    checkServerVersion(await rpc.serverVersion())
    const language = this.options.language ?? 'en'
    const auth = await rpc.login(login, password, language)
    const transport = new TrytonTransport(rpc, auth, this.options.rememberPassword === false ? null : password, language)
    const session = new TrytonSession({
      transport,
      contactCategory: this.options.contactCategory ?? 'Contact',
      industryCategory: this.options.industryCategory ?? 'Industry',
      relationType: this.options.relationType ?? 'Works for'
    })
    try {
      await session.start()
    } catch (e) {
      await session.close()
      throw e
    }
    return session
  }
}
