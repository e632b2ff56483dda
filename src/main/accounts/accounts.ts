// CRM accounts and the one live session. Non-secret account data (server, database, login) is in
// electron-store; passwords only in the OS keychain. The session is made from the signed-in
// user's own credentials; there is no other CRM credential anywhere in the process.
import type { Account, SessionUser } from '../../shared/domain'
import { CrmError, type Credentials, type CrmConnector, type CrmSession } from '../crm/types'
import { KeychainError, secretKeys, type SecretStore } from '../secrets/types'
import type { JsonStore, JsonStoreFactory } from '../storage/types'

type AccountsFile = { accounts: Account[]; activeId: string | null }

export class SessionUnavailableError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'SessionUnavailableError'
  }
}

export class AccountService {
  private readonly store: JsonStore<AccountsFile>
  private session: CrmSession | null = null
  private problem: string | null = null

  constructor(
    private readonly deps: {
      stores: JsonStoreFactory
      secrets: SecretStore
      connectors: Record<Credentials['kind'], CrmConnector>
      onChange: () => void
      onCorrupt?: (movedTo: string) => void
    }
  ) {
    this.store = deps.stores.open<AccountsFile>({ name: 'accounts', defaults: { accounts: [], activeId: null }, onCorrupt: deps.onCorrupt })
  }

  accounts(): Account[] {
    return this.store.read().accounts
  }

  active(): Account | null {
    const { accounts, activeId } = this.store.read()
    return accounts.find((a) => a.id === activeId) ?? null
  }

  user(): SessionUser | null {
    return this.session?.user ?? null
  }

  sessionProblem(): string | null {
    return this.problem
  }

  /** The session of `userId`, who drives the conversation. Never another user's. */
  sessionFor(userId: string): CrmSession {
    if (!this.session) throw new SessionUnavailableError(this.problem ?? 'You are not signed in to your CRM.')
    if (this.session.user.id !== userId) {
      throw new SessionUnavailableError('This conversation belongs to another CRM user. Sign in as that user to continue it.')
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
    await this.replaceSession(session)
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
    await this.replaceSession(session)
  }

  private async credentialsFor(account: Account): Promise<Credentials> {
    if (account.kind === 'sample') return { kind: 'sample', login: account.login }
    const password = await this.deps.secrets.get(secretKeys.crm(account.id))
    if (!password) throw new CrmError('auth', `No password for ${account.label} in your system keychain. Sign in again.`)
    return { kind: 'tryton', serverUrl: account.serverUrl!, database: account.database!, login: account.login, password }
  }

  private async replaceSession(session: CrmSession | null): Promise<void> {
    const previous = this.session
    this.session = session
    this.problem = null
    if (previous && previous !== session) await previous.close().catch(() => undefined)
    this.deps.onChange()
  }
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
