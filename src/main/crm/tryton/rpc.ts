// Tryton 6.0 JSON-RPC over Node's global fetch. Knows the wire format (Tryton's tagged JSON
// values, the error array, HTTP statuses) and nothing about CRM records.
import { CrmError, type CrmErrorCode } from '../types'
import { classifyEnglish } from './refusals'

/** A decoded Tryton value: tagged Decimal/date/datetime/timedelta objects become plain values. */
export type TrytonValue = unknown

export interface TrytonAuth {
  login: string
  userId: number
  session: string
}

/** Thrown by `call` when the server rejects the session itself (HTTP 401 or 403). */
export class SessionRejected extends Error {
  constructor(readonly status: number) {
    super(`Tryton rejected the session (HTTP ${status})`)
    this.name = 'SessionRejected'
  }
}

export interface TrytonRpcOptions {
  /** Per-request timeout. */
  timeoutMs?: number
  fetch?: typeof fetch
}

/**
 * A Tryton UserError. Tryton sends every one as ["UserError", [message, description, domain]]
 * (its AccessError included), so the code is first a guess from the English wording and the
 * session reclassifies it with Tryton's own messages in the user's language (refusals.ts).
 */
export class TrytonUserError extends CrmError {
  constructor(
    code: CrmErrorCode,
    readonly trytonMessage: string,
    readonly description: string
  ) {
    super(code, trytonMessage + (description ? ` ${description}` : ''))
    this.name = 'TrytonUserError'
  }

  as(code: CrmErrorCode): TrytonUserError {
    return code === this.code ? this : new TrytonUserError(code, this.trytonMessage, this.description)
  }
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0')
}

/** Reviver for Tryton's tagged JSON values. */
export function decodeTryton(_key: string, value: unknown): unknown {
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const v = value as Record<string, unknown>
    switch (v.__class__) {
      case 'Decimal':
        return Number(v.decimal)
      case 'date':
        return `${pad(Number(v.year), 4)}-${pad(Number(v.month))}-${pad(Number(v.day))}`
      case 'datetime':
        return (
          `${pad(Number(v.year), 4)}-${pad(Number(v.month))}-${pad(Number(v.day))}T` +
          `${pad(Number(v.hour))}:${pad(Number(v.minute))}:${pad(Number(v.second))}.${pad(Number(v.microsecond ?? 0), 6)}`
        )
      case 'time':
        return `${pad(Number(v.hour))}:${pad(Number(v.minute))}:${pad(Number(v.second))}`
      case 'timedelta':
        return Number(v.seconds)
      case 'bytes':
        return null // never needed by the connector; do not carry binary data around
      default:
        return value
    }
  }
  return value
}

/** Tagged values for sending. */
export const tryton = {
  decimal(n: number): Record<string, unknown> {
    if (!Number.isFinite(n)) throw new CrmError('invalid', `Not a number: ${n}`)
    return { __class__: 'Decimal', decimal: String(n) }
  },
  date(iso: string): Record<string, unknown> {
    const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso)
    if (!m) throw new CrmError('invalid', `Not a date (YYYY-MM-DD): ${iso}`)
    return { __class__: 'date', year: Number(m[1]), month: Number(m[2]), day: Number(m[3]) }
  }
}

function retryAfter(res: Response): number | undefined {
  const h = res.headers.get('retry-after')
  if (!h) return undefined
  const secs = Number(h)
  if (Number.isFinite(secs) && secs >= 0) return Math.ceil(secs)
  const at = Date.parse(h)
  if (Number.isFinite(at)) return Math.max(0, Math.ceil((at - Date.now()) / 1000))
  return undefined
}

let nextId = 1

export class TrytonRpc {
  private readonly url: string
  /** The server itself, not a database: where Tryton answers common.server.version. */
  private readonly rootUrl: string
  private readonly timeoutMs: number
  private readonly fetchImpl: typeof fetch

  constructor(
    serverUrl: string,
    readonly database: string,
    options: TrytonRpcOptions = {}
  ) {
    // Messages never repeat the address: it may hold a password.
    let base: URL
    try {
      base = new URL(serverUrl)
    } catch {
      throw new CrmError('invalid', 'That is not a valid Tryton server address. Enter it like https://tryton.example.com.')
    }
    if (base.protocol !== 'http:' && base.protocol !== 'https:') {
      throw new CrmError('invalid', 'The Tryton server address must start with http:// or https://.')
    }
    if (base.username || base.password) {
      throw new CrmError(
        'invalid',
        'The Tryton server address must not contain a user name or password. Enter the address alone (like https://tryton.example.com) and your login and password in their own fields.'
      )
    }
    if (base.search || base.hash) throw new CrmError('invalid', 'The Tryton server address must not contain "?" or "#". Enter it like https://tryton.example.com.')
    if (!database || /[/?#]/.test(database)) throw new CrmError('invalid', `Not a valid Tryton database name: ${database}`)
    this.rootUrl = `${base.origin}${base.pathname.replace(/\/+$/, '')}/`
    this.url = `${this.rootUrl}${encodeURIComponent(database)}/`
    this.timeoutMs = options.timeoutMs ?? 30_000
    this.fetchImpl = options.fetch ?? fetch
  }

  private async post(method: string, params: unknown[], auth: TrytonAuth | null, url = this.url): Promise<Response> {
    const headers: Record<string, string> = { 'Content-Type': 'application/json', Accept: 'application/json' }
    if (auth) {
      headers.Authorization = `Session ${Buffer.from(`${auth.login}:${auth.userId}:${auth.session}`, 'utf8').toString('base64')}`
    }
    try {
      return await this.fetchImpl(url, {
        method: 'POST',
        headers,
        body: JSON.stringify({ id: nextId++, method, params }),
        signal: AbortSignal.timeout(this.timeoutMs)
      })
    } catch (e) {
      const err = e as Error & { cause?: { code?: string } }
      const why = err.name === 'TimeoutError' ? `no answer within ${Math.round(this.timeoutMs / 1000)} s` : (err.cause?.code ?? err.message)
      throw new CrmError('unavailable', `The Tryton server at ${new URL(this.url).origin} cannot be reached (${why}).`)
    }
  }

  private async parse(res: Response): Promise<{ result?: unknown; error?: unknown }> {
    const text = await res.text()
    try {
      return JSON.parse(text, decodeTryton) as { result?: unknown; error?: unknown }
    } catch {
      throw new CrmError('unavailable', `The Tryton server answered with something that is not JSON-RPC (HTTP ${res.status}).`)
    }
  }

  /** `common.db.login`: [login, {password}, language] → [user id, session]. */
  async login(login: string, password: string, language = 'en'): Promise<TrytonAuth> {
    const res = await this.post('common.db.login', [login, { password }, language], null)
    if (res.status === 401 || res.status === 403) {
      await res.body?.cancel()
      throw new CrmError('auth', 'Tryton refused the login or password.')
    }
    if (res.status === 429) {
      await res.body?.cancel()
      const after = retryAfter(res)
      throw new CrmError('rate_limited', 'Tryton refused the login: too many attempts. Wait before trying again.', after)
    }
    if (res.status === 404) {
      await res.body?.cancel()
      throw new CrmError('unavailable', `The Tryton database "${this.database}" does not exist on this server.`)
    }
    if (!res.ok) {
      await res.body?.cancel()
      throw new CrmError('unavailable', `The Tryton server failed to log in (HTTP ${res.status}).`)
    }
    const body = await this.parse(res)
    if (body.error !== undefined) throw mapRpcError(body.error)
    const result = body.result
    if (!Array.isArray(result) || typeof result[0] !== 'number' || typeof result[1] !== 'string') {
      throw new CrmError('auth', 'Tryton refused the login or password.')
    }
    return { login, userId: result[0], session: result[1] }
  }

  /** `common.server.version`, asked before signing in. */
  async serverVersion(): Promise<string> {
    const res = await this.post('common.server.version', [], null, this.rootUrl)
    if (res.status === 429) {
      await res.body?.cancel()
      throw new CrmError('rate_limited', 'The Tryton server is refusing requests for now: too many attempts. Wait before trying again.', retryAfter(res))
    }
    if (!res.ok) {
      await res.body?.cancel()
      throw new CrmError('unavailable', `The Tryton server did not tell its version (HTTP ${res.status}).`)
    }
    const body = await this.parse(res)
    if (typeof body.result !== 'string') throw new CrmError('unavailable', 'The Tryton server did not tell its version.')
    return body.result
  }

  async logout(auth: TrytonAuth): Promise<void> {
    const res = await this.post('common.db.logout', [], auth)
    await res.body?.cancel()
  }

  /** Calls a method with a session. Throws SessionRejected on 401/403 so the caller may re-login. */
  async call(method: string, params: unknown[], auth: TrytonAuth): Promise<TrytonValue> {
    const res = await this.post(method, params, auth)
    if (res.status === 401 || res.status === 403) {
      await res.body?.cancel()
      throw new SessionRejected(res.status)
    }
    if (res.status === 429) {
      await res.body?.cancel()
      throw new CrmError('rate_limited', 'Tryton is rate limiting this user. Wait before trying again.', retryAfter(res))
    }
    if (res.status === 409) {
      await res.body?.cancel()
      throw new CrmError('invalid', 'Tryton asked for a confirmation that Countersign cannot give.')
    }
    if (res.status === 423) {
      await res.body?.cancel()
      throw new CrmError('conflict', 'The record was modified in the meanwhile.')
    }
    if (!res.ok) {
      await res.body?.cancel()
      throw new CrmError('unavailable', `The Tryton server failed (HTTP ${res.status}).`)
    }
    const body = await this.parse(res)
    if (body.error !== undefined && body.error !== null) throw mapRpcError(body.error)
    return body.result
  }
}

/** Maps the `error` member of a Tryton JSON-RPC answer to a CrmError carrying Tryton's message. */
export function mapRpcError(error: unknown): CrmError {
  if (Array.isArray(error) && typeof error[0] === 'string') {
    const [name, args] = error as [string, unknown]
    const parts = Array.isArray(args) ? args : [args]
    switch (name) {
      case 'UserError': {
        const message = String(parts[0] ?? 'Tryton refused the request.')
        const description = typeof parts[1] === 'string' ? parts[1] : ''
        return new TrytonUserError(classifyEnglish(message) ?? 'invalid', message, description)
      }
      case 'UserWarning':
        return new CrmError('invalid', `Tryton asks for a confirmation: ${String(parts[1] ?? parts[0] ?? '')}`)
      case 'ConcurrencyException':
        return new CrmError('conflict', `Tryton: ${String(parts[0] ?? 'Records were modified in the meanwhile')}`)
      case 'LoginException':
        return new CrmError('auth', `Tryton asks for another login step (${String(parts[0] ?? '')}), which Countersign does not support.`)
      default:
        // A server-side exception: [str(exception), traceback]. Keep the message, drop the traceback.
        return new CrmError('invalid', `Tryton failed: ${name.split('\n')[0].slice(0, 300)}`)
    }
  }
  return new CrmError('invalid', 'Tryton answered with an error it did not describe.')
}
