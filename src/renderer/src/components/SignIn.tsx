import { useState, type FormEvent } from 'react'
import type { AppState } from '../../../shared/domain'
import { errorMessage } from '../api/errors'
import { useAppDispatch } from '../store/hooks'
import { signIn } from '../store/thunks'
import { SessionProblemBanner } from './Banners'

/** The sample-workspace picker and the Tryton form; used on first run and in Settings. */
export function SignInForms({ app, onSignedIn }: { app: AppState; onSignedIn?: () => void }) {
  const dispatch = useAppDispatch()
  const [busy, setBusy] = useState<string | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [serverUrl, setServerUrl] = useState('')
  const [database, setDatabase] = useState('')
  const [login, setLogin] = useState('')
  const [password, setPassword] = useState('')

  async function attempt(key: string, input: Parameters<typeof signIn>[0]): Promise<void> {
    setBusy(key)
    setError(null)
    try {
      await dispatch(signIn(input)).unwrap()
      setPassword('')
      onSignedIn?.()
    } catch (e) {
      setError(errorMessage(e))
    } finally {
      setBusy(null)
    }
  }

  function submitTryton(e: FormEvent): void {
    e.preventDefault()
    void attempt('tryton', { kind: 'tryton', serverUrl: serverUrl.trim(), database: database.trim(), login: login.trim(), password })
  }

  return (
    <div className="signin-forms">
      {error && (
        <p className="form-error" role="alert" data-testid="signin-error">
          {error}
        </p>
      )}
      <section className="panel">
        <h2 className="panel__title">Explore with the sample workspace — no account needed</h2>
        <p className="muted">
          A sample company with accounts, contacts, deals, invoices and automations, stored on this computer. Pick who you want to be;
          each person sees only what their role allows.
        </p>
        <ul className="sample-users">
          {app.sampleUsers.map((user) => (
            <li key={user.login}>
              <button
                type="button"
                className="sample-user"
                data-testid={`sample-user-${user.login}`}
                disabled={busy !== null}
                onClick={() => attempt(`sample:${user.login}`, { kind: 'sample', login: user.login })}
              >
                <span className="sample-user__name">{user.name}</span>
                <span className="sample-user__role">{user.role}</span>
                {busy === `sample:${user.login}` && <span className="spinner spinner--small" aria-hidden="true" />}
              </button>
            </li>
          ))}
          {app.sampleUsers.length === 0 && <li className="muted">The sample workspace is not available.</li>}
        </ul>
      </section>

      <section className="panel">
        <h2 className="panel__title">Connect your Tryton server</h2>
        <p className="muted">Countersign acts with your own permissions. Your password is kept in your system keychain.</p>
        <form className="form" onSubmit={submitTryton} noValidate>
          <label className="field">
            <span className="field__label">Server URL</span>
            <input
              className="input"
              type="url"
              data-testid="tryton-url"
              placeholder="https://crm.example.com:8000"
              value={serverUrl}
              onChange={(e) => setServerUrl(e.target.value)}
              autoComplete="url"
            />
          </label>
          <label className="field">
            <span className="field__label">Database</span>
            <input className="input" data-testid="tryton-db" value={database} onChange={(e) => setDatabase(e.target.value)} />
          </label>
          <div className="form__row">
            <label className="field">
              <span className="field__label">Login</span>
              <input
                className="input"
                data-testid="tryton-login"
                value={login}
                onChange={(e) => setLogin(e.target.value)}
                autoComplete="username"
              />
            </label>
            <label className="field">
              <span className="field__label">Password</span>
              <input
                className="input"
                type="password"
                data-testid="tryton-password"
                value={password}
                onChange={(e) => setPassword(e.target.value)}
                autoComplete="current-password"
              />
            </label>
          </div>
          <div className="form__actions">
            <button
              type="submit"
              className="button button--primary"
              data-testid="tryton-signin"
              disabled={busy !== null || !serverUrl.trim() || !database.trim() || !login.trim() || !password}
            >
              {busy === 'tryton' ? 'Signing in…' : 'Sign in'}
            </button>
          </div>
        </form>
      </section>
    </div>
  )
}

export function SignInScreen({ app }: { app: AppState }) {
  return (
    <main className="signin">
      <div className="signin__inner">
        <header className="signin__header">
          <div className="sidebar__brand">
            <span className="brand-mark" aria-hidden="true">
              ✓
            </span>
            <span className="brand-name">Countersign</span>
          </div>
          <h1 className="signin__title">Your CRM assistant that asks before it acts</h1>
          <p className="muted">
            Reading and searching simply happen. Before anything changes your data, Countersign shows you exactly what it intends to do
            and waits for your approval.
          </p>
        </header>
        {app.sessionProblem && <SessionProblemBanner problem={app.sessionProblem} signedIn={false} />}
        <SignInForms app={app} />
      </div>
    </main>
  )
}
