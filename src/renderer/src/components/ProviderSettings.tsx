import { useState, type FormEvent } from 'react'
import type { ConsentText, ProviderKind, ProviderView } from '../../../shared/domain'
import type { OrganisationView } from '../../../shared/org-policy'
import { useBusyTask } from '../hooks/useBusyTask'
import { formatDateTime } from '../format'
import { useAppDispatch } from '../store/hooks'
import { prepareProvider, useDemoProvider, withdrawConsent } from '../store/thunks'
import { ConsentScreen } from './ConsentScreen'

type RealKind = Exclude<ProviderKind, 'demo'>

const KINDS: { kind: RealKind; label: string; model: string }[] = [
  { kind: 'openai', label: 'OpenAI', model: 'gpt-4.1-mini' },
  { kind: 'anthropic', label: 'Anthropic', model: 'claude-sonnet-4-5' },
  { kind: 'openai-compatible', label: 'OpenAI-compatible endpoint (Ollama, LM Studio, vLLM, Azure-style)', model: 'llama3.1' }
]

export function ProviderSettings({ provider, organisation }: { provider: ProviderView; organisation?: OrganisationView }) {
  const dispatch = useAppDispatch()
  // Only what the organisation allows is offered; a preset fixes provider, endpoint and model.
  const preset = organisation?.providers.preset ?? null
  const offered = organisation ? KINDS.filter((k) => organisation.providers.kinds.includes(k.kind)) : KINDS
  const fallbackKind: RealKind = offered[0]?.kind ?? 'openai'
  const initialKind: RealKind = preset ? preset.kind : provider.kind !== 'demo' && offered.some((k) => k.kind === provider.kind) ? provider.kind : fallbackKind
  const [kind, setKind] = useState<RealKind>(initialKind)
  const [model, setModel] = useState(preset ? preset.model : provider.kind === initialKind ? provider.model : KINDS.find((k) => k.kind === initialKind)!.model)
  const [baseURL, setBaseURL] = useState(preset ? (preset.baseURL ?? '') : provider.kind === initialKind ? (provider.baseURL ?? '') : '')
  const [apiKey, setApiKey] = useState('')
  const [openaiApi, setOpenaiApi] = useState<'responses' | 'chat'>('responses')
  const { busy, error, run } = useBusyTask()
  const [consent, setConsent] = useState<ConsentText | null>(null)

  const changeKind = (next: RealKind) => {
    const previousDefault = KINDS.find((k) => k.kind === kind)!.model
    setKind(next)
    if (!model || model === previousDefault) setModel(KINDS.find((k) => k.kind === next)!.model)
  }


  const submit = (e: FormEvent) => {
    e.preventDefault()
    void run('prepare', async () => {
      const text = await dispatch(
        prepareProvider({
          kind,
          model: model.trim(),
          ...(baseURL.trim() ? { baseURL: baseURL.trim() } : {}),
          ...(apiKey ? { apiKey } : {}),
          ...(kind === 'openai' ? { api: openaiApi } : {})
        })
      ).unwrap()
      setConsent(text)
    })
  }

  const compatible = kind === 'openai-compatible'

  return (
    <div className="provider-settings">
      <div className="provider-current" data-testid="provider-current">
        <div className="provider-current__head">
          <span className="provider-current__name">{provider.name}</span>
          <span className={`pill ${provider.ready ? 'pill--success' : 'pill--warning'}`}>{provider.ready ? 'In use' : 'Not ready'}</span>
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
              <dd>{provider.model || '—'}</dd>
            </div>
            <div className="detail-list__row">
              <dt>Endpoint</dt>
              <dd>{provider.endpointHost ?? '—'}</dd>
            </div>
            <div className="detail-list__row">
              <dt>API key</dt>
              <dd>{provider.hasApiKey ? 'Key stored in your system keychain' : 'No key stored'}</dd>
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
        <div className="form__actions">
          {provider.consent && (
            <button
              type="button"
              className="button"
              data-testid="consent-withdraw"
              disabled={busy !== null}
              onClick={() => run('withdraw', () => dispatch(withdrawConsent()).unwrap())}
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

      {organisation && organisation.providers.rules.length > 0 && (
        <ul className="source-list" data-testid="provider-rules">
          {organisation.providers.rules.map((rule) => (
            <li key={rule} className="lock-note">
              <span aria-hidden="true">🔒</span> {rule}
            </li>
          ))}
        </ul>
      )}

      {offered.length === 0 ? (
        <p className="muted" data-testid="provider-none-allowed">
          Your organisation&rsquo;s rules allow no AI provider here; only the offline demo assistant can be used.
        </p>
      ) : consent ? (
        <ConsentScreen
          consent={consent}
          onCancel={() => setConsent(null)}
          onDone={() => {
            setConsent(null)
            setApiKey('')
          }}
        />
      ) : (
        <form className="form panel panel--flat" onSubmit={submit} noValidate>
          <h3 className="panel__title">Choose an AI provider</h3>
          {preset && (
            <p className="hint" data-testid="provider-preset">
              Your organisation uses this provider for everyone (set by {preset.setBy}). Continue to see what is sent to it and to agree.
            </p>
          )}
          <label className="field">
            <span className="field__label">Provider</span>
            <select className="select" data-testid="provider-kind" value={kind} disabled={preset !== null} onChange={(e) => changeKind(e.target.value as RealKind)}>
              {offered.map((k) => (
                <option key={k.kind} value={k.kind}>
                  {k.label}
                </option>
              ))}
            </select>
          </label>
          {compatible && <p className="hint">A local endpoint keeps your data on this machine.</p>}
          <label className="field">
            <span className="field__label">Model</span>
            <input className="input" data-testid="provider-model" value={model} readOnly={preset !== null} onChange={(e) => setModel(e.target.value)} />
          </label>
          <label className="field">
            <span className="field__label">{compatible ? 'Base URL' : 'Base URL (optional, for Azure-style or proxy endpoints)'}</span>
            <input
              className="input"
              type="url"
              data-testid="provider-baseurl"
              placeholder={compatible ? 'http://127.0.0.1:11434/v1' : 'Leave empty for the provider’s own endpoint'}
              value={baseURL}
              readOnly={preset !== null}
              onChange={(e) => setBaseURL(e.target.value)}
            />
          </label>
          {kind === 'openai' && (
            <label className="field">
              <span className="field__label">API</span>
              <select className="select" data-testid="provider-api" value={openaiApi} onChange={(e) => setOpenaiApi(e.target.value as 'responses' | 'chat')}>
                <option value="responses">Responses (recommended)</option>
                <option value="chat">Chat Completions (for proxies that only offer it)</option>
              </select>
            </label>
          )}
          <label className="field">
            <span className="field__label">API key{compatible ? ' (optional for local servers)' : ''}</span>
            <input
              className="input"
              type="password"
              data-testid="provider-apikey"
              autoComplete="off"
              placeholder={provider.hasApiKey && provider.kind === kind ? 'Key stored in your system keychain — leave empty to keep it' : ''}
              value={apiKey}
              onChange={(e) => setApiKey(e.target.value)}
            />
          </label>
          <div className="form__actions">
            <button type="submit" className="button button--primary" data-testid="provider-continue" disabled={busy !== null}>
              {busy === 'prepare' ? 'Checking…' : 'Continue'}
            </button>
          </div>
        </form>
      )}
    </div>
  )
}
