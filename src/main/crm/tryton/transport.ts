// One user's Tryton session on the wire: every call carries that user's session and context;
// a session the server refuses is renewed once (when the password may be kept in memory); a
// Tryton UserError is classified with Tryton's own messages in the user's language.
import { CrmError } from '../types'
import { RefusalCatalog, codeOf, type RefusalKind } from './refusals'
import { MESSAGE_CODES } from './refusals'
import { SessionRejected, TrytonUserError, type TrytonAuth, type TrytonRpc } from './rpc'

export type Row = Record<string, unknown>
export type Domain = unknown[]

/** A refusal Tryton gave, with what kind it is (a field access refusal is 'field'). */
export class TrytonRefusal extends TrytonUserError {
  constructor(
    readonly kind: RefusalKind,
    source: TrytonUserError
  ) {
    super(codeOf(kind) ?? 'invalid', source.trytonMessage, source.description)
    this.name = 'TrytonRefusal'
  }
}

export class TrytonTransport {
  context: Record<string, unknown> = {}
  private relogin: Promise<void> | null = null
  private closed = false
  private readonly refusals = new RefusalCatalog()
  private languageLoaded: Promise<void> | null = null

  constructor(
    private readonly rpc: TrytonRpc,
    private auth: TrytonAuth,
    /** Present only when the connector may renew an expired session by itself. */
    private password: string | null,
    private readonly loginLanguage: string
  ) {}

  get userId(): number {
    return this.auth.userId
  }

  get login(): string {
    return this.auth.login
  }

  /** The user's language as Tryton reports it in the context (e.g. "fr"). */
  get language(): string {
    return typeof this.context.language === 'string' ? this.context.language : this.loginLanguage
  }

  async call(method: string, params: unknown[]): Promise<unknown> {
    try {
      return await this.raw(method, params)
    } catch (e) {
      if (e instanceof TrytonUserError) throw await this.classify(e)
      throw e
    }
  }

  searchRead(model: string, domain: Domain, fields: string[], page: { offset?: number; limit?: number | null; order?: unknown } = {}): Promise<Row[]> {
    return this.call(`model.${model}.search_read`, [domain, page.offset ?? 0, page.limit ?? null, page.order ?? null, fields, this.context]) as Promise<Row[]>
  }

  async searchCount(model: string, domain: Domain): Promise<number> {
    return Number(await this.call(`model.${model}.search_count`, [domain, this.context]))
  }

  read(model: string, ids: number[], fields: string[]): Promise<Row[]> {
    return this.call(`model.${model}.read`, [ids, fields, this.context]) as Promise<Row[]>
  }

  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    this.password = null
    try {
      await this.rpc.logout(this.auth)
    } catch {
      // The server may already be gone; the session is forgotten either way.
    }
  }

  private async raw(method: string, params: unknown[]): Promise<unknown> {
    if (this.closed) throw new CrmError('session_expired', 'This Tryton session was closed. Sign in again.')
    try {
      return await this.rpc.call(method, params, this.auth)
    } catch (e) {
      if (!(e instanceof SessionRejected)) throw e
      if (this.password === null) {
        throw new CrmError('session_expired', 'Your Tryton session has expired. Sign in again.')
      }
      // The server refused the session before running anything: renewing it and retrying once
      // cannot apply a write twice.
      await this.renew()
      try {
        return await this.rpc.call(method, params, this.auth)
      } catch (e2) {
        if (!(e2 instanceof SessionRejected)) throw e2
        if (e2.status === 403) throw new CrmError('permission', `Tryton refused this request (${method}).`)
        throw new CrmError('session_expired', 'Your Tryton session has expired and could not be renewed. Sign in again.')
      }
    }
  }

  private async renew(): Promise<void> {
    if (!this.relogin) {
      const password = this.password as string
      this.relogin = this.rpc
        .login(this.auth.login, password, this.loginLanguage)
        .then((auth) => {
          if (auth.userId !== this.auth.userId) throw new CrmError('auth', 'Tryton signed in a different user.')
          this.auth = auth
        })
        .finally(() => {
          this.relogin = null
        })
    }
    await this.relogin
  }

  /** Reclassifies a UserError with Tryton's messages in the user's language (loaded once). */
  private async classify(e: TrytonUserError): Promise<CrmError> {
    let kind = this.refusals.classify(e.trytonMessage)
    if (kind === null && !this.language.startsWith('en')) {
      this.languageLoaded ??= this.loadLanguage().catch(() => undefined)
      await this.languageLoaded
      kind = this.refusals.classify(e.trytonMessage)
    }
    return kind === null ? e.as('invalid') : new TrytonRefusal(kind, e)
  }

  private async loadLanguage(): Promise<void> {
    const ids = Object.keys(MESSAGE_CODES)
    const data = (await this.raw('model.ir.model.data.search_read', [
      [['module', '=', 'ir'], ['model', '=', 'ir.message'], ['fs_id', 'in', ids]],
      0,
      null,
      null,
      ['fs_id', 'db_id'],
      this.context
    ])) as Row[]
    const byDbId = new Map(data.map((r) => [Number(r.db_id), String(r.fs_id)]))
    const messages = (await this.raw('model.ir.message.read', [[...byDbId.keys()], ['text'], this.context])) as Row[]
    const templates: Record<string, string> = {}
    for (const m of messages) {
      const id = byDbId.get(Number(m.id))
      if (id && typeof m.text === 'string') templates[id] = m.text
    }
    this.refusals.add(templates)
  }
}
