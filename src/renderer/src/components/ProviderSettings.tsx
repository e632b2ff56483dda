import { useState } from 'react'
import type { ConsentRecord, ConsentText, ProviderProfileView, ProviderView } from '../../../shared/domain'
import type { OrganisationView } from '../../../shared/org-policy'
import { useBusyTask } from '../hooks/useBusyTask'
import { formatDateTime } from '../format'
import { useAppDispatch } from '../store/hooks'
import { deleteProviderProfile, selectProviderProfile, testProviderConnection, useDemoProvider, withdrawConsent } from '../store/thunks'
import { ConsentScreen } from './ConsentScreen'
import { ProviderProfileForm } from './ProviderProfileForm'

/** Settings → AI provider: what is in use, the saved profiles, and the form that adds or edits one.
 *  Nothing here changes the provider in use until main says so (after consent, or when consent
 *  for that endpoint is already on record). */
export function ProviderSettings({ provider, organisation }: { provider: ProviderView; organisation?: OrganisationView }) {
  const dispatch = useAppDispatch()
  const { busy, error, run } = useBusyTask()
  const [consent, setConsent] = useState<ConsentText | null>(null)
  const [editing, setEditing] = useState<ProviderProfileView | null>(null)
  const [formKey, setFormKey] = useState(0)
  const [saved, setSaved] = useState<string | null>(null)
  const [tests, setTests] = useState<Record<string, { ok: boolean; message: string }>>({})
  const profiles = provider.profiles ?? []

  const afterSave = (record: ConsentRecord | null, name: string) => {
    setSaved(record ? `Saved and in use. You agreed to send data to ${record.providerName} at ${record.endpointHost} on ${formatDateTime(record.at)}, so no new consent is needed.` : `${name} is in use.`)
    setEditing(null)
    setFormKey((k) => k + 1)
  }

  const use = (profile: ProviderProfileView) =>
    run(`use:${profile.id}`, async () => {
      setSaved(null)
      const result = await dispatch(selectProviderProfile(profile.id)).unwrap()
      if (result.status === 'needs-consent') setConsent(result.consent)
      else afterSave(result.consent, profile.label)
    })

  const test = (profile: ProviderProfileView) =>
    run(`test:${profile.id}`, async () => {
      const result = await dispatch(testProviderConnection(profile.id)).unwrap()
      setTests((t) => ({ ...t, [profile.id]: result }))
    })

  return (
    <div className="provider-settings">
      <div className="provider-current" data-testid="provider-current">
        <div className="provider-current__head">
          <span className="provider-current__name">{provider.name}</span>
          <span className={`pill ${provider.ready ? 'pill--success' : 'pill--warning'}`} data-testid="provider-state">
            {provider.ready ? 'In use' : 'Not ready'}
          </span>
          {provider.kind !== 'demo' && (
            <span className={`pill ${provider.local ? 'pill--success' : 'pill--muted'}`}>{provider.local ? 'Local — data stays on this machine' : 'Remote'}</span>
          )}
        </div>
        {provider.kind === 'demo' ? (
          <p className="muted">The offline demo assistant. Nothing leaves this computer. It is not an AI model.</p>
        ) : (
          <dl className="detail-list detail-list--compact">
            <div className="detail-list__row">
              <dt>Model</dt>
              <dd data-testid="provider-current-model">{provider.model || '—'}</dd>
            </div>
            <div className="detail-list__row">
              <dt>Endpoint</dt>
              <dd data-testid="provider-current-host">{provider.endpointHost ?? '—'}</dd>
            </div>
            <div className="detail-list__row">
              <dt>API key</dt>
              <dd>{provider.hasApiKey ? 'Key stored in your system keychain' : 'No key'}</dd>
            </div>
            <div className="detail-list__row">
              <dt>Consent</dt>
              <dd data-testid="provider-consent">
                {provider.consent
                  ? `Given ${formatDateTime(provider.consent.at)} for ${provider.consent.providerName} at ${provider.consent.endpointHost} (wording ${provider.consent.wordingVersion})`
                  : 'Not given — nothing is sent until you agree'}
              </dd>
            </div>
          </dl>
        )}
        {provider.pending && !consent && (
          <p className="hint" data-testid="provider-pending">
            A choice of {provider.pending.providerName} at {provider.pending.endpointHost} is waiting for your consent. It is not in use and nothing of it is stored.{' '}
            <button type="button" className="link-button" onClick={() => setConsent(provider.pending ?? null)}>
              Review it
            </button>
          </p>
        )}
        <div className="form__actions">
          {provider.consent && (
            <button
              type="button"
              className="button"
              data-testid="consent-withdraw"
              disabled={busy !== null}
              onClick={() => run('withdraw', () => dispatch(withdrawConsent(undefined)).unwrap())}
            >
              Withdraw consent
            </button>
          )}
          <button
            type="button"
            className="button"
            data-testid="use-demo"
            disabled={busy !== null || provider.kind === 'demo'}
            onClick={() =>
              run('demo', async () => {
                await dispatch(useDemoProvider()).unwrap()
                setConsent(null)
                setSaved(null)
              })
            }
          >
            Use the demo assistant instead
          </button>
        </div>
      </div>

      {error && (
        <p className="form-error" role="alert" data-testid="provider-error">
          {error}
        </p>
      )}
      {saved && (
        <p className="saved-note" role="status" data-testid="provider-saved">
          {saved}
        </p>
      )}

      {profiles.length > 0 && (
        <div className="provider-profiles">
          <h3 className="panel__title">Saved providers</h3>
          <ul className="account-list">
            {profiles.map((p) => (
              <li key={p.id} className={`account-row${p.active ? ' is-current' : ''}`} data-testid="provider-profile" data-profile-id={p.id}>
                <div className="account-row__text">
                  <span className="account-row__label">{p.label}</span>
                  <span className="muted small">
                    {p.name} · {p.model} · {p.endpointHost}
                    {p.local ? ' · on this computer' : ''}
                  </span>
                  <span className="muted small" data-testid="profile-consent">
                    {p.consent ? `You agreed ${formatDateTime(p.consent.at)}` : 'Not agreed to: nothing is sent to it'}
                  </span>
                  {tests[p.id] && (
                    <span className={tests[p.id].ok ? 'saved-note' : 'field-error'} role="status" data-testid="profile-test-result">
                      {tests[p.id].message}
                    </span>
                  )}
                </div>
                {p.active && <span className="pill pill--success">In use</span>}
                {!p.active && (
                  <button type="button" className="button button--small" data-testid="profile-use" disabled={busy !== null} onClick={() => use(p)}>
                    Use
                  </button>
                )}
                <button
                  type="button"
                  className="button button--small"
                  data-testid="profile-test"
                  disabled={busy !== null || !p.ready}
                  title={p.ready ? 'One short request, without your data' : 'Agree to this provider first: nothing is sent before'}
                  onClick={() => test(p)}
                >
                  {busy === `test:${p.id}` ? 'Testing…' : 'Test connection'}
                </button>
                <button
                  type="button"
                  className="button button--small button--ghost"
                  data-testid="profile-edit"
                  disabled={busy !== null}
                  onClick={() => {
                    setEditing(p)
                    setFormKey((k) => k + 1)
                    setSaved(null)
                  }}
                >
                  Edit
                </button>
                <button
                  type="button"
                  className="button button--small button--ghost"
                  data-testid="profile-delete"
                  disabled={busy !== null}
                  onClick={() => run(`delete:${p.id}`, () => dispatch(deleteProviderProfile(p.id)).unwrap())}
                >
                  Delete
                </button>
              </li>
            ))}
          </ul>
        </div>
      )}

      {organisation && organisation.providers.rules.length > 0 && (
        <ul className="source-list" data-testid="provider-rules">
          {organisation.providers.rules.map((rule) => (
            <li key={rule} className="lock-note">
              <span aria-hidden="true">🔒</span> {rule}
            </li>
          ))}
        </ul>
      )}

      {organisation && organisation.providers.kinds.length === 0 ? (
        <p className="muted" data-testid="provider-none-allowed">
          Your organisation&rsquo;s rules allow no AI provider here; only the offline demo assistant can be used.
        </p>
      ) : consent ? (
        <ConsentScreen
          consent={consent}
          onCancel={() => setConsent(null)}
          onDone={() => {
            setConsent(null)
            setEditing(null)
            setFormKey((k) => k + 1)
          }}
        />
      ) : (
        <ProviderProfileForm
          key={formKey}
          editing={editing}
          provider={provider}
          onNeedsConsent={(text) => {
            setSaved(null)
            setConsent(text)
          }}
          onSaved={(record, name) => afterSave(record, name)}
          onCancelEdit={() => {
            setEditing(null)
            setFormKey((k) => k + 1)
          }}
          organisation={organisation}
        />
      )}
    </div>
  )
}
