// CRM accounts and the one live session. Non-secret account data (server, database, login) is in
// electron-store; passwords only in the OS keychain. The session is made from the signed-in
// user's own credentials; there is no other CRM credential anywhere in the process.
import { z } from 'zod'
import { accountSchema, principalKey, type Account, type Principal, type SignedInUser } from '../../shared/domain'
import { CrmError, type Credentials, type CrmConnector, type CrmSession } from '../crm/types'
import { KeychainError, secretKeys, type SecretStore } from '../secrets/types'
import type { JsonStore, JsonStoreFactory } from '../storage/types'

type AccountsFile = { accounts: Account[]; activeId: string | null }
const accountsFileSchema = z.object({ accounts: z.array(accountSchema), activeId: z.string().nullable() })

import { SessionUnavailableError } from '../errors'
export { SessionUnavailableError }

export class AccountService {
  private readonly store: JsonStore<AccountsFile>
  private session: CrmSession | null = null
  private signedIn: SignedInUser | null = null
  private problem: string | null = null

  constructor(
    private readonly deps: {
      stores: JsonStoreFactory
      secrets: SecretStore
      connectors: Record<Credentials['kind'], CrmConnector>
      onChange: () => void
      /** Runs once a session is open, before anyone is told: migrations keyed by the new principal. */
      onSignedIn?: (user: SignedInUser) => void | Promise<void>
      onCorrupt?: (movedTo: string) => void
    }
  ) {
    this.store = deps.stores.open<AccountsFile>({
      name: 'accounts',
      defaults: { accounts: [], activeId: null },
      onCorrupt: deps.onCorrupt,
      accept: (doc) => accountsFileSchema.safeParse(doc).success
    })
    this.stripStoredCredentials()
  }

  /**
   * Accounts saved before sign-in refused them may hold a server address with a user name or
   * password in it: those parts are removed from the file, once, and never sent anywhere.
   */
  private stripStoredCredentials(): void {
    const file = this.store.read()
    let changed = false
    const accounts = file.accounts.map((a) => {
      if (!a.serverUrl) return a
      try {
        const url = new URL(a.serverUrl)
        if (!url.username && !url.password) return a
        url.username = ''
        url.password = ''
        changed = true
        const serverUrl = url.toString().replace(/\/+$/, '')
        return { ...a, serverUrl, label: a.label.replace(/[^\s@]*:[^\s@]*@/g, '') }
      } catch {
        return a
      }
    })
    if (changed) this.store.write({ ...file, accounts })
  }

  accounts(): Account[] {
    return this.store.read().accounts
  }

  active(): Account | null {
    const { accounts, activeId } = this.store.read()
    return accounts.find((a) => a.id === activeId) ?? null
  }

  /** The signed-in person, with the principal every store, lock, event and audit entry is keyed by. */
  user(): SignedInUser | null {
    return this.signedIn
  }

  sessionProblem(): string | null {
    return this.problem
  }

  /**
   * The session of `principal`, who drives the conversation. Never another user's, and never the
   * same user id on another server or database.
   */
  sessionFor(principal: string): CrmSession {
    if (!this.session || !this.signedIn) throw new SessionUnavailableError(this.problem ?? 'You are not signed in to your CRM.')
    if (this.signedIn.principal !== principal) {
      throw new SessionUnavailableError('This belongs to another CRM account. Sign in to that account to continue it.')
    }
    return this.session
  }

  /** Re-opens the active account at start-up, with its password from the keychain. */
  async restore(): Promise<void> {
    const account = this.active()
    if (!account) return
    try {
      await this.open(account, await this.credentialsFor(account))
    } catch (error) {
      this.problem = explain(error)
      this.deps.onChange()
    }
  }

  async signIn(credentials: Credentials): Promise<Account> {
    const account = accountFor(credentials)
    // Sign in first: a wrong password must not reach the keychain or the store.
    const session = await this.deps.connectors[credentials.kind].signIn(credentials)
    account.principal = principalKey(principalOf(account, session))
    if (credentials.kind === 'tryton') {
      try {
        await this.deps.secrets.set(secretKeys.crm(account.id), credentials.password)
      } catch (error) {
        await session.close()
        throw error
      }
    }
    const file = this.store.read()
    this.store.write({ accounts: [...file.accounts.filter((a) => a.id !== account.id), account], activeId: account.id })
    await this.replaceSession(session, account)
    return account
  }

  async switchTo(accountId: string): Promise<void> {
    const account = this.accounts().find((a) => a.id === accountId)
    if (!account) throw new CrmError('not_found', 'No such account.')
    this.store.write({ ...this.store.read(), activeId: account.id })
    try {
      await this.open(account, await this.credentialsFor(account))
    } catch (error) {
      await this.replaceSession(null)
      this.problem = explain(error)
      this.deps.onChange()
      throw error
    }
  }

  /** Signs out and removes the stored secret for this account. */
  async signOut(accountId: string): Promise<void> {
    const file = this.store.read()
    const account = file.accounts.find((a) => a.id === accountId)
    if (!account) return
    if (account.kind === 'tryton') await this.deps.secrets.delete(secretKeys.crm(account.id))
    this.store.write({ accounts: file.accounts.filter((a) => a.id !== accountId), activeId: file.activeId === accountId ? null : file.activeId })
    if (file.activeId === accountId) await this.replaceSession(null)
    else this.deps.onChange()
  }

  private async open(account: Account, credentials: Credentials): Promise<void> {
    const session = await this.deps.connectors[account.kind].signIn(credentials)
    const principal = principalKey(principalOf(account, session))
    if (account.principal && account.principal !== principal) {
      // The same login now names another CRM user (the database was re-created): a new identity.
      await session.close().catch(() => undefined)
      throw new SessionUnavailableError(`${account.label} is now a different CRM user than before. Sign in again to use it as a new account.`)
    }
    if (!account.principal) {
      const file = this.store.read()
      this.store.write({ ...file, accounts: file.accounts.map((a) => (a.id === account.id ? { ...a, principal } : a)) })
    }
    await this.replaceSession(session, account)
  }

  private async credentialsFor(account: Account): Promise<Credentials> {
    if (account.kind === 'sample') return { kind: 'sample', login: account.login }
    const password = await this.deps.secrets.get(secretKeys.crm(account.id))
    if (!password) throw new CrmError('auth', `No password for ${account.label} in your system keychain. Sign in again.`)
    return { kind: 'tryton', serverUrl: account.serverUrl!, database: account.database!, login: account.login, password }
  }

  private async replaceSession(session: CrmSession | null, account?: Account): Promise<void> {
    const previous = this.session
    this.session = session
    this.signedIn = session && account ? { ...session.user, groups: [...session.user.groups], principal: principalKey(principalOf(account, session)) } : null
    this.problem = null
    if (this.signedIn) await this.deps.onSignedIn?.(this.signedIn)
    if (previous && previous !== session) await previous.close().catch(() => undefined)
    this.deps.onChange()
  }
}

/** The embedded sample workspace's place in a principal: there is one per data folder. */
export const SAMPLE_ORIGIN = 'sample:'
export const SAMPLE_DATABASE = 'workspace'

/** Who a session is: CRM kind, the server's origin (scheme, host, port; never credentials), database, user id. */
export function principalOf(account: Pick<Account, 'kind' | 'serverUrl' | 'database'>, session: Pick<CrmSession, 'user'>): Principal {
  if (account.kind === 'sample') return { crm: 'sample', origin: SAMPLE_ORIGIN, database: SAMPLE_DATABASE, userId: session.user.id }
  return { crm: 'tryton', origin: new URL(account.serverUrl!).origin.toLowerCase(), database: account.database!, userId: session.user.id }
}

function accountFor(credentials: Credentials): Account {
  if (credentials.kind === 'sample') {
    return { id: `sample:${credentials.login}`, kind: 'sample', label: `Sample workspace (${credentials.login})`, login: credentials.login, serverUrl: null, database: null }
  }
  const host = new URL(credentials.serverUrl).host
  return {
    id: `tryton:${host}/${credentials.database}/${credentials.login}`,
    kind: 'tryton',
    label: `${credentials.login} @ ${host}/${credentials.database}`,
    login: credentials.login,
    serverUrl: credentials.serverUrl.replace(/\/+$/, ''),
    database: credentials.database
  }
}

export function explain(error: unknown): string {
  if (error instanceof CrmError || error instanceof KeychainError || error instanceof SessionUnavailableError) return error.message
  return error instanceof Error ? error.message : String(error)
}
