import { useEffect, useRef, useState } from 'react'
import { useBusyTask } from '../hooks/useBusyTask'
import type { AppState, ConfirmationSetting, Decision, PolicyRow } from '../../../shared/domain'
import type { OrganisationView } from '../../../shared/org-policy'
import { errorMessage } from '../api/errors'
import { hostOf } from '../format'
import { useAppDispatch, useAppSelector } from '../store/hooks'
import { loadSettings, setConfirmation, setExpiryHours, signOut, switchAccount } from '../store/thunks'
import { AppearanceSettings } from './AppearanceSettings'
import { ProviderSettings } from './ProviderSettings'
import { PriceSettings } from './activity/PriceSettings'
import { SignInForms } from './SignIn'

export function Settings({ app, section }: { app: AppState; section?: 'accounts' }) {
  const settings = useAppSelector((s) => s.settings)
  const dispatch = useAppDispatch()
  const accountsRef = useRef<HTMLElement>(null)

  useEffect(() => {
    if (section === 'accounts') accountsRef.current?.scrollIntoView?.({ block: 'start' })
  }, [section])

  return (
    <section className="settings" aria-label="Settings">
      <header className="view-header">
        <h1 className="view-header__title">Settings</h1>
      </header>
      <div className="settings__scroll">
        {app.user && (
          <>
            <section className="settings__section">
              <h2 className="settings__title">Require confirmation</h2>
              <p className="muted">
                Choose, for each thing the assistant can do, whether it must ask you first. By default reads run and changes ask.
              </p>
              {settings.status === 'error' && (
                <div className="inline-error" role="alert">
                  <p>Could not load settings: {settings.error}</p>
                  <button type="button" className="button button--small" onClick={() => dispatch(loadSettings())}>
                    Try again
                  </button>
                </div>
              )}
              {settings.view ? <PolicyTable rows={settings.view.policy} /> : settings.status === 'loading' && <p className="muted">Loading…</p>}
            </section>

            <section className="settings__section">
              <h2 className="settings__title">Approval expiry</h2>
              <p className="muted">A request you have not approved within this time expires and is never run.</p>
              {settings.view?.organisation?.maxApprovalHours && (
                <p className="lock-note" data-testid="expiry-limit">
                  <span aria-hidden="true">🔒</span> At most {settings.view.organisation.maxApprovalHours.hours} hours: set by {settings.view.organisation.maxApprovalHours.setBy}
                </p>
              )}
              {settings.view && <ExpirySetting hours={settings.view.expiryHours} max={settings.view.organisation?.maxApprovalHours?.hours ?? 336} />}
            </section>

            <section className="settings__section">
              <h2 className="settings__title">AI provider</h2>
              <ProviderSettings provider={app.provider} organisation={settings.view?.organisation} />
            </section>

            {settings.view?.organisation && <OrganisationSources organisation={settings.view.organisation} />}
            <section className="settings__section">
              <h2 className="settings__title">Prices and the audit trail</h2>
              <PriceSettings />
            </section>
          </>
        )}

        <section className="settings__section" data-testid="appearance-settings">
          <h2 className="settings__title">Appearance and notifications</h2>
          <AppearanceSettings demo={app.provider.kind === 'demo'} />
        </section>

        <section className="settings__section" ref={accountsRef}>
          <h2 className="settings__title">CRM account</h2>
          <Accounts app={app} startAdding={section === 'accounts'} />
        </section>
      </div>
    </section>
  )
}

/** Where the administrators' rules come from, and whether each could be used. */
function OrganisationSources({ organisation }: { organisation: OrganisationView }) {
  return (
    <section className="settings__section" data-testid="organisation-sources">
      <h2 className="settings__title">Organisation policy</h2>
      <p className="muted">Rules your administrators set. You can make them stricter for yourself, never looser.</p>
      <ul className="source-list">
        {organisation.sources.length === 0 && <li className="muted">No administrator sets rules for Countersign here.</li>}
        {organisation.sources.map((source) => (
          <li key={source.kind} data-testid={`policy-source-${source.kind}`} data-status={source.status}>
            <strong>{source.kind === 'it' ? 'IT department' : 'CRM administrator'}</strong>{' '}
            {source.status === 'active'
              ? `— in effect (${source.location})`
              : source.status === 'none'
                ? `— no policy: ${source.detail ?? ''}`
                : `— not valid, so everything asks: ${source.detail ?? ''} (${source.location})`}
          </li>
        ))}
      </ul>
      {organisation.looseningLockedBy && (
        <p className="lock-note" data-testid="loosening-locked">
          <span aria-hidden="true">🔒</span> Turning confirmation off for changes is not allowed by {organisation.looseningLockedBy}.
        </p>
      )}
    </section>
  )
}

const DECISION_TEXT: Record<Decision, string> = {
  allow: 'Runs without asking',
  ask: 'Asks you first',
  deny: 'Not allowed'
}

function PolicyTable({ rows }: { rows: PolicyRow[] }) {
  return (
    <div className="table-scroll">
    <table className="policy-table">
      <thead>
        <tr>
          <th scope="col">Ability</th>
          <th scope="col">Kind</th>
          <th scope="col">Your choice</th>
          <th scope="col">In effect</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <PolicyRowView key={row.ability.name} row={row} />
        ))}
      </tbody>
    </table>
    </div>
  )
}

function PolicyRowView({ row }: { row: PolicyRow }) {
  const dispatch = useAppDispatch()
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const [confirmOff, setConfirmOff] = useState(false)
  const locked = row.lockedBy !== null
  const mayTurnOff = row.mayTurnOff !== false

  const choose = (setting: ConfirmationSetting) => {
    // Turning confirmation off for a change is said out loud before it happens.
    if (setting === 'never' && row.ability.effect === 'write') setConfirmOff(true)
    else void change(setting)
  }

  const change = async (setting: ConfirmationSetting) => {
    setConfirmOff(false)
    setBusy(true)
    setError(null)
    try {
      await dispatch(setConfirmation({ ability: row.ability.name, setting })).unwrap()
    } catch (e) {
      setError(errorMessage(e))
    } finally {
      setBusy(false)
    }
  }

  return (
    <tr data-ability={row.ability.name}>
      <th scope="row">
        <span className="policy-table__title">{row.ability.title}</span>
        <span className="policy-table__desc">{row.ability.summary}</span>
      </th>
      <td>
        <span className={`effect-badge effect-badge--${row.ability.effect}`}>{row.ability.effect}</span>
      </td>
      <td>
        <select
          className="select select--compact"
          data-testid={`confirmation-${row.ability.name}`}
          value={row.setting}
          disabled={locked || busy}
          aria-label={`Require confirmation for ${row.ability.title}`}
          onChange={(e) => choose(e.target.value as ConfirmationSetting)}
        >
          <option value="default">Default</option>
          <option value="always">Always ask</option>
          <option value="never" disabled={!mayTurnOff}>
            Never ask
          </option>
        </select>
        {locked && (
          <span className="lock-note" data-testid={`locked-${row.ability.name}`}>
            <span aria-hidden="true">🔒</span> Set by {row.lockedBy}
          </span>
        )}
        {!locked && !mayTurnOff && row.ability.effect === 'write' && (
          <span className="lock-note" data-testid={`no-loosen-${row.ability.name}`}>
            <span aria-hidden="true">🔒</span> &ldquo;Never ask&rdquo; is not allowed by your organisation
          </span>
        )}
        {confirmOff && (
          <div className="confirm-panel" role="alertdialog" aria-label={`Turn confirmation off for ${row.ability.title}?`} data-testid={`confirm-off-${row.ability.name}`}>
            <p>
              With &ldquo;Never ask&rdquo;, the assistant will do this without showing you a card first: <strong>{row.ability.summary}</strong> It acts
              as soon as it decides to, with your CRM permissions.
            </p>
            <div className="form__actions">
              <button type="button" className="button button--small button--danger" data-testid={`confirm-off-yes-${row.ability.name}`} onClick={() => void change('never')}>
                Turn confirmation off
              </button>
              <button type="button" className="button button--small" data-testid={`confirm-off-no-${row.ability.name}`} onClick={() => setConfirmOff(false)}>
                Keep asking
              </button>
            </div>
          </div>
        )}
        {error && (
          <span className="field-error" role="alert">
            {error}
          </span>
        )}
      </td>
      <td>
        <span className={`decision decision--${row.decision}`} data-testid={`decision-${row.ability.name}`}>
          {row.off ? 'Switched off' : DECISION_TEXT[row.decision]}
        </span>
        <span className="policy-table__reason">{row.reason}</span>
      </td>
    </tr>
  )
}

function ExpirySetting({ hours, max }: { hours: number; max: number }) {
  const dispatch = useAppDispatch()
  const [value, setValue] = useState(String(hours))
  const [busy, setBusy] = useState(false)
  const [message, setMessage] = useState<{ kind: 'ok' | 'error'; text: string } | null>(null)

  useEffect(() => setValue(String(hours)), [hours])

  const save = async () => {
    setBusy(true)
    setMessage(null)
    try {
      await dispatch(setExpiryHours(Number(value))).unwrap()
      setMessage({ kind: 'ok', text: 'Saved' })
    } catch (e) {
      setMessage({ kind: 'error', text: errorMessage(e) })
    } finally {
      setBusy(false)
    }
  }

  return (
    <div className="inline-form">
      <label className="field field--inline">
        <input
          className="input input--narrow"
          type="number"
          min={1}
          max={max}
          step={1}
          data-testid="expiry-hours"
          value={value}
          onChange={(e) => setValue(e.target.value)}
        />
        <span>hours</span>
      </label>
      <button type="button" className="button" data-testid="expiry-save" disabled={busy || value === ''} onClick={save}>
        Save
      </button>
      {message && (
        <span className={message.kind === 'ok' ? 'saved-note' : 'field-error'} role={message.kind === 'error' ? 'alert' : 'status'}>
          {message.text}
        </span>
      )}
    </div>
  )
}

function Accounts({ app, startAdding }: { app: AppState; startAdding: boolean }) {
  const dispatch = useAppDispatch()
  const { busy, error, run } = useBusyTask()
  const [adding, setAdding] = useState(startAdding)

  return (
    <div className="accounts">
      {app.accounts.length === 0 && <p className="muted">No accounts yet.</p>}
      <ul className="account-list">
        {app.accounts.map((account) => {
          const current = app.account?.id === account.id
          return (
            <li key={account.id} className={`account-row${current ? ' is-current' : ''}`} data-testid="account-row" data-account-id={account.id}>
              <div className="account-row__text">
                <span className="account-row__label">
                  {account.label || account.login}
                </span>
                <span className="muted small">
                  {account.kind === 'sample'
                    ? `Signed in as ${account.login}`
                    : `${account.login} · ${account.database ?? ''} on ${hostOf(account.serverUrl) ?? ''}`}
                </span>
              </div>
              {current && <span className="pill pill--success">Current</span>}
              {!current && (
                <button
                  type="button"
                  className="button button--small"
                  data-testid="account-switch"
                  disabled={busy !== null}
                  onClick={() => run(`switch:${account.id}`, () => dispatch(switchAccount(account.id)).unwrap())}
                >
                  Switch
                </button>
              )}
              <button
                type="button"
                className="button button--small button--ghost"
                data-testid="account-signout"
                disabled={busy !== null}
                onClick={() => run(`out:${account.id}`, () => dispatch(signOut(account.id)).unwrap())}
              >
                Sign out
              </button>
            </li>
          )
        })}
      </ul>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      {adding ? (
        <div className="accounts__add">
          <SignInForms app={app} onSignedIn={() => setAdding(false)} />
          <button type="button" className="button button--ghost" onClick={() => setAdding(false)}>
            Cancel
          </button>
        </div>
      ) : (
        <button type="button" className="button" data-testid="account-add" onClick={() => setAdding(true)}>
          Sign in to another account
        </button>
      )}
    </div>
  )
}
