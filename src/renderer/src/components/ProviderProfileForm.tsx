import { useState, type FormEvent } from 'react'
import type { ConsentRecord, ConsentText, GenerationSettings, ProviderKind, ProviderProfileView, ProviderView } from '../../../shared/domain'
import type { OrganisationView } from '../../../shared/org-policy'
import { errorMessage } from '../api/errors'
import { useBusyTask } from '../hooks/useBusyTask'
import { useAppDispatch } from '../store/hooks'
import { listProviderModels, prepareProvider } from '../store/thunks'

type RealKind = Exclude<ProviderKind, 'demo'>

const KINDS: { kind: RealKind; label: string; model: string }[] = [
  { kind: 'openai', label: 'OpenAI', model: 'gpt-5.4-mini' },
  { kind: 'anthropic', label: 'Anthropic', model: 'claude-sonnet-4-5' },
  { kind: 'deepseek', label: 'DeepSeek', model: 'deepseek-chat' },
  { kind: 'openai-compatible', label: 'OpenAI-compatible endpoint (Ollama, LM Studio, vLLM, Azure-style)', model: 'llama3.1' }
]

const defaultModel = (kind: RealKind) => KINDS.find((k) => k.kind === kind)!.model

/** "Name: value" per line → headers; throws a message the form shows. */
export function parseHeaderLines(text: string): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [index, raw] of text.split('\n').entries()) {
    const line = raw.trim()
    if (!line) continue
    const colon = line.indexOf(':')
    if (colon <= 0) throw new Error(`Line ${index + 1} of the headers needs the form "Name: value".`)
    out[line.slice(0, colon).trim()] = line.slice(colon + 1).trim()
  }
  return out
}

/** Adds a provider profile or edits one. Submitting never changes what is in use by itself:
 *  main holds the choice aside for consent, or saves it when consent is already on record. */
export function ProviderProfileForm({
  editing,
  provider,
  onNeedsConsent,
  onSaved,
  onCancelEdit,
  organisation
}: {
  editing: ProviderProfileView | null
  provider: ProviderView
  onNeedsConsent: (consent: ConsentText) => void
  onSaved: (record: ConsentRecord | null, name: string) => void
  onCancelEdit: () => void
  /** The organisation's provider rules: only what they allow is offered; a preset fixes the choice. */
  organisation?: OrganisationView
}) {
  const dispatch = useAppDispatch()
  const preset = organisation?.providers.preset ?? null
  const offered = organisation ? KINDS.filter((k) => organisation.providers.kinds.includes(k.kind)) : KINDS
  const initialKind: RealKind = preset
    ? (preset.kind as RealKind)
    : editing && editing.kind !== 'demo' && offered.some((k) => k.kind === editing.kind)
      ? editing.kind
      : (offered[0]?.kind ?? 'openai')
  const [kind, setKind] = useState<RealKind>(initialKind)
  const [label, setLabel] = useState(editing?.label ?? '')
  const [model, setModel] = useState(preset ? preset.model : (editing?.model ?? defaultModel(initialKind)))
  const [baseURL, setBaseURL] = useState(preset ? (preset.baseURL ?? '') : (editing?.baseURL ?? ''))
  const [apiKey, setApiKey] = useState('')
  const [openaiApi, setOpenaiApi] = useState<'responses' | 'chat'>(editing?.api ?? 'responses')
  const [organization, setOrganization] = useState(editing?.organization ?? '')
  const [project, setProject] = useState(editing?.project ?? '')
  const [openaiStore, setOpenaiStore] = useState(editing?.openaiStore ?? false)
  const [headerText, setHeaderText] = useState('')
  const [removeHeaders, setRemoveHeaders] = useState(false)
  const [temperature, setTemperature] = useState(editing?.generation.temperature?.toString() ?? '')
  const [maxTokens, setMaxTokens] = useState(editing?.generation.maxOutputTokens?.toString() ?? '')
  const [effort, setEffort] = useState<GenerationSettings['reasoningEffort'] | ''>(editing?.generation.reasoningEffort ?? '')
  const [models, setModels] = useState<string[] | null>(null)
  const [modelsNote, setModelsNote] = useState<string | null>(null)
  const { busy, error, setError, run } = useBusyTask()

  const compatible = kind === 'openai-compatible'
  // The endpoint is asked for its models only when this user already agreed to it.
  const canListModels = editing !== null && editing.ready && editing.kind === kind

  const changeKind = (next: RealKind) => {
    if (!model || model === defaultModel(kind)) setModel(defaultModel(next))
    setKind(next)
    setModels(null)
  }

  const loadModels = () =>
    run('models', async () => {
      setModelsNote(null)
      try {
        const list = await dispatch(listProviderModels(editing!.id)).unwrap()
        setModels(list)
        setModelsNote(list.length ? `${list.length} models offered by ${editing!.endpointHost}. You can still type any name.` : `${editing!.endpointHost} listed no models. Type the name.`)
      } catch (e) {
        setModelsNote(errorMessage(e))
      }
    })

  const submit = (e: FormEvent) => {
    e.preventDefault()
    let headers: Record<string, string> | undefined
    let generation: GenerationSettings
    try {
      headers = removeHeaders ? {} : headerText.trim() ? parseHeaderLines(headerText) : undefined
      generation = {
        ...(temperature.trim() ? { temperature: Number(temperature) } : {}),
        ...(maxTokens.trim() ? { maxOutputTokens: Number(maxTokens) } : {}),
        ...(effort ? { reasoningEffort: effort } : {})
      }
      if (generation.temperature !== undefined && !(generation.temperature >= 0 && generation.temperature <= 2)) throw new Error('Temperature is a number from 0 to 2.')
      if (generation.maxOutputTokens !== undefined && !(Number.isInteger(generation.maxOutputTokens) && generation.maxOutputTokens >= 1)) throw new Error('Maximum output is a whole number of tokens.')
    } catch (err) {
      setError(errorMessage(err))
      return
    }
    void run('prepare', async () => {
      const result = await dispatch(
        prepareProvider({
          kind,
          model: model.trim(),
          ...(editing ? { profileId: editing.id } : {}),
          ...(label.trim() ? { label: label.trim() } : {}),
          ...(baseURL.trim() ? { baseURL: baseURL.trim() } : {}),
          ...(apiKey ? { apiKey } : {}),
          ...(kind === 'openai' ? { api: openaiApi, organization: organization.trim(), project: project.trim(), openaiStore } : {}),
          ...(headers !== undefined ? { headers } : {}),
          generation
        })
      ).unwrap()
      setApiKey('')
      if (result.status === 'needs-consent') onNeedsConsent(result.consent)
      else onSaved(result.consent, result.view.name)
    })
  }

  const keyKept = editing?.hasApiKey && editing.kind === kind

  return (
    <form className="form panel panel--flat" onSubmit={submit} noValidate data-testid="provider-form">
      <h3 className="panel__title">{editing ? `Edit ${editing.label}` : provider.profiles?.length ? 'Add another AI provider' : 'Choose an AI provider'}</h3>
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
      {compatible && <p className="hint">A local endpoint keeps your data on this machine, and needs no key.</p>}
      {kind === 'deepseek' && <p className="hint">DeepSeek’s own API. Its privacy policy says data is stored in the People’s Republic of China.</p>}
      <label className="field">
        <span className="field__label">Name (for your list)</span>
        <input className="input" data-testid="provider-label" value={label} placeholder="For example: Local model for private work" onChange={(e) => setLabel(e.target.value)} />
      </label>
      <label className="field">
        <span className="field__label">Model</span>
        <input className="input" data-testid="provider-model" list="provider-model-options" value={model} readOnly={preset !== null} onChange={(e) => setModel(e.target.value)} />
        <datalist id="provider-model-options" data-testid="provider-model-options">
          {(models ?? []).map((m) => (
            <option key={m} value={m} />
          ))}
        </datalist>
      </label>
      {canListModels ? (
        <div className="inline-form">
          <button type="button" className="button button--small" data-testid="provider-load-models" disabled={busy !== null} onClick={loadModels}>
            {busy === 'models' ? 'Asking…' : `Models offered by ${editing!.endpointHost}`}
          </button>
          {modelsNote && (
            <span className="muted small" role="status" data-testid="provider-models-note">
              {modelsNote}
            </span>
          )}
        </div>
      ) : (
        <p className="hint">Type the model’s name. Once you have agreed to this provider, Edit can list the models its endpoint offers.</p>
      )}
      <label className="field">
        <span className="field__label">{compatible ? 'Base URL' : 'Base URL (optional, for a company gateway or proxy endpoint)'}</span>
        <input
          className="input"
          type="url"
          data-testid="provider-baseurl"
          placeholder={compatible ? 'http://127.0.0.1:11434/v1' : 'Leave empty for the provider’s own endpoint'}
          value={baseURL}
          onChange={(e) => setBaseURL(e.target.value)}
        />
      </label>
      {kind === 'openai' && (
        <>
          <label className="field">
            <span className="field__label">API</span>
            <select className="select" data-testid="provider-api" value={openaiApi} onChange={(e) => setOpenaiApi(e.target.value as 'responses' | 'chat')}>
              <option value="responses">Responses (recommended)</option>
              <option value="chat">Chat Completions (for proxies that only offer it)</option>
            </select>
          </label>
          <label className="field">
            <span className="field__label">Organization (optional)</span>
            <input className="input" data-testid="provider-org" value={organization} placeholder="org-…" onChange={(e) => setOrganization(e.target.value)} />
          </label>
          <label className="field">
            <span className="field__label">Project (optional)</span>
            <input className="input" data-testid="provider-project" value={project} placeholder="proj_…" onChange={(e) => setProject(e.target.value)} />
          </label>
          {openaiApi === 'responses' && (
            <label className="checkbox">
              <input type="checkbox" data-testid="provider-store" checked={openaiStore} onChange={(e) => setOpenaiStore(e.target.checked)} />
              <span>Let OpenAI store responses (off: Countersign sends the whole conversation each time, which also works with zero data retention)</span>
            </label>
          )}
        </>
      )}
      <label className="field">
        <span className="field__label">API key{compatible ? ' (optional for local servers)' : ''}</span>
        <input
          className="input"
          type="password"
          data-testid="provider-apikey"
          autoComplete="off"
          placeholder={keyKept ? 'Key stored in your system keychain — leave empty to keep it' : ''}
          value={apiKey}
          onChange={(e) => setApiKey(e.target.value)}
        />
      </label>
      <details className="provider-advanced">
        <summary>Gateway headers and generation settings</summary>
        <label className="field">
          <span className="field__label">Extra headers, one “Name: value” per line (kept in your system keychain)</span>
          <textarea className="input" rows={3} data-testid="provider-headers" value={headerText} placeholder="X-Gateway-Team: sales" onChange={(e) => setHeaderText(e.target.value)} />
        </label>
        {editing && editing.headerNames.length > 0 && (
          <label className="checkbox">
            <input type="checkbox" data-testid="provider-remove-headers" checked={removeHeaders} onChange={(e) => setRemoveHeaders(e.target.checked)} />
            <span>Remove the current headers ({editing.headerNames.join(', ')}). Leave both empty to keep them.</span>
          </label>
        )}
        <label className="field">
          <span className="field__label">Temperature (empty: the provider’s default)</span>
          <input className="input input--narrow" type="number" min={0} max={2} step={0.1} data-testid="provider-temperature" value={temperature} onChange={(e) => setTemperature(e.target.value)} />
        </label>
        <label className="field">
          <span className="field__label">Maximum output tokens (empty: the provider’s default)</span>
          <input className="input input--narrow" type="number" min={1} step={1} data-testid="provider-max-tokens" value={maxTokens} onChange={(e) => setMaxTokens(e.target.value)} />
        </label>
        <label className="field">
          <span className="field__label">Reasoning effort (models that reason)</span>
          <select className="select" data-testid="provider-reasoning" value={effort} onChange={(e) => setEffort(e.target.value as GenerationSettings['reasoningEffort'] | '')}>
            <option value="">Provider’s default</option>
            <option value="low">Low</option>
            <option value="medium">Medium</option>
            <option value="high">High</option>
          </select>
        </label>
      </details>
      {error && (
        <p className="form-error" role="alert" data-testid="provider-form-error">
          {error}
        </p>
      )}
      <div className="form__actions">
        <button type="submit" className="button button--primary" data-testid="provider-continue" disabled={busy !== null}>
          {busy === 'prepare' ? 'Checking…' : 'Continue'}
        </button>
        {editing && (
          <button type="button" className="button button--ghost" onClick={onCancelEdit}>
            Cancel editing
          </button>
        )}
      </div>
    </form>
  )
}
