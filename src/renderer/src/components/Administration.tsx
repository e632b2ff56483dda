import { useEffect, useState, type FormEvent } from 'react'
import { ABILITY_NAMES, type AbilityName } from '../../../shared/ability-names'
import type { AdminPolicyView, OrgPolicy, OrgRule } from '../../../shared/org-policy'
import { errorMessage } from '../api/errors'
import { formatDateTime } from '../format'
import { useAppDispatch, useAppSelector } from '../store/hooks'
import { loadAdminPolicy, saveAdminPolicy } from '../store/thunks'

type AbilityRule = NonNullable<NonNullable<OrgPolicy['abilities']>[AbilityName]>
type Preset = NonNullable<NonNullable<OrgPolicy['providers']>['preset']>

/** The Administration screen: the organisation's policy, as stored in the CRM. Shown only to the
 *  CRM's administrators; the CRM itself refuses a change from anyone else. */
export function Administration() {
  const dispatch = useAppDispatch()
  const [view, setView] = useState<AdminPolicyView | null>(null)
  const [draft, setDraft] = useState<OrgPolicy>({})
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const [saved, setSaved] = useState(false)

  useEffect(() => {
    let live = true
    dispatch(loadAdminPolicy())
      .unwrap()
      .then((v) => {
        if (!live) return
        setView(v)
        setDraft(v.policy)
      })
      .catch((e) => live && setError(errorMessage(e)))
    return () => {
      live = false
    }
  }, [dispatch])

  const change = (next: OrgPolicy) => {
    setDraft(next)
    setSaved(false)
  }

  const submit = async (e: FormEvent) => {
    e.preventDefault()
    setBusy(true)
    setError(null)
    try {
      const v = await dispatch(saveAdminPolicy({ policy: tidy(draft) })).unwrap()
      setView(v)
      setDraft(v.policy)
      setSaved(true)
    } catch (err) {
      setError(errorMessage(err))
    } finally {
      setBusy(false)
    }
  }

  return (
    <section className="settings" aria-label="Administration">
      <header className="view-header">
        <h1 className="view-header__title">Administration</h1>
      </header>
      <div className="settings__scroll">
        <p className="muted">
          The organisation&rsquo;s rules for Countersign. They apply to everyone who signs in to this CRM; people can make them stricter for
          themselves, never looser. Your IT department may add stricter rules on managed computers.
        </p>
        {view?.storedProblem && (
          <p className="inline-error" role="alert">
            The stored policy is not valid ({view.storedProblem}); everyone is asked to confirm everything until you save a valid one.
          </p>
        )}
        {view?.updatedBy && (
          <p className="muted small" data-testid="admin-updated">
            Last changed by {view.updatedBy}
            {view.updatedAt ? ` on ${formatDateTime(Date.parse(view.updatedAt))}` : ''}.
          </p>
        )}
        {!view && !error && <p className="muted">Loading…</p>}
        {view && (
          <form onSubmit={submit} noValidate>
            <AbilityRules policy={draft} onChange={change} />
            <WhoMayUse policy={draft} directory={view.directory} onChange={change} />
            <Limits policy={draft} onChange={change} />
            <Providers policy={draft} onChange={change} />
            <div className="form__actions">
              <button type="submit" className="button button--primary" data-testid="admin-save" disabled={busy}>
                {busy ? 'Saving…' : 'Save policy'}
              </button>
              {saved && (
                <span className="saved-note" role="status" data-testid="admin-saved">
                  Saved. It applies to everyone from now on, including requests already waiting.
                </span>
              )}
            </div>
          </form>
        )}
        {error && (
          <p className="form-error" role="alert" data-testid="admin-error">
            {error}
          </p>
        )}
      </div>
    </section>
  )
}

function AbilityRules({ policy, onChange }: { policy: OrgPolicy; onChange: (p: OrgPolicy) => void }) {
  const rows = useAppSelector((s) => s.settings.view?.policy ?? [])
  const set = (name: AbilityName, patch: Partial<AbilityRule>) => {
    const current = { ...(policy.abilities?.[name] ?? {}), ...patch }
    onChange({ ...policy, abilities: { ...(policy.abilities ?? {}), [name]: current } })
  }
  return (
    <section className="settings__section">
      <h2 className="settings__title">Abilities</h2>
      <p className="muted">Switch an ability off to hide it from the AI model entirely, or choose whether it runs, asks first, or never runs.</p>
      <table className="policy-table">
        <thead>
          <tr>
            <th scope="col">Ability</th>
            <th scope="col">Available</th>
            <th scope="col">Confirmation</th>
            <th scope="col">Reason shown to people</th>
          </tr>
        </thead>
        <tbody>
          {ABILITY_NAMES.map((name) => {
            const info = rows.find((r) => r.ability.name === name)?.ability
            const rule = policy.abilities?.[name] ?? {}
            return (
              <tr key={name} data-admin-ability={name}>
                <th scope="row">
                  <span className="policy-table__title">{info?.title ?? name}</span>
                  {info && <span className="policy-table__desc">{info.summary}</span>}
                </th>
                <td>
                  <input
                    type="checkbox"
                    data-testid={`admin-enabled-${name}`}
                    aria-label={`${info?.title ?? name} is available`}
                    checked={rule.enabled !== false}
                    onChange={(e) => set(name, { enabled: e.target.checked ? undefined : false })}
                  />
                </td>
                <td>
                  <select
                    className="select select--compact"
                    data-testid={`admin-rule-${name}`}
                    aria-label={`Confirmation for ${info?.title ?? name}`}
                    value={rule.confirmation ?? ''}
                    onChange={(e) => set(name, { confirmation: (e.target.value || undefined) as OrgRule | undefined })}
                  >
                    <option value="">Not set (people choose)</option>
                    <option value="allow">Allow without asking</option>
                    <option value="ask">Always ask</option>
                    <option value="deny">Deny</option>
                  </select>
                </td>
                <td>
                  <input
                    className="input"
                    data-testid={`admin-reason-${name}`}
                    aria-label={`Reason for the rule on ${info?.title ?? name}`}
                    maxLength={500}
                    value={rule.reason ?? ''}
                    onChange={(e) => set(name, { reason: e.target.value || undefined })}
                  />
                </td>
              </tr>
            )
          })}
        </tbody>
      </table>
    </section>
  )
}

function WhoMayUse({ policy, directory, onChange }: { policy: OrgPolicy; directory: AdminPolicyView['directory']; onChange: (p: OrgPolicy) => void }) {
  const restricted = policy.access !== undefined
  const groups = policy.access?.groups ?? []
  const users = policy.access?.users ?? []
  const toggle = (list: string[], value: string, on: boolean) => (on ? [...new Set([...list, value])] : list.filter((v) => v !== value))
  return (
    <section className="settings__section">
      <h2 className="settings__title">Who may use the assistant</h2>
      <label className="field field--inline">
        <input type="radio" name="access" data-testid="admin-access-everyone" checked={!restricted} onChange={() => onChange({ ...policy, access: undefined })} />
        <span>Everyone who can sign in to the CRM</span>
      </label>
      <label className="field field--inline">
        <input type="radio" name="access" data-testid="admin-access-some" checked={restricted} onChange={() => onChange({ ...policy, access: { groups: [], users: [] } })} />
        <span>Only these teams and people</span>
      </label>
      {restricted && (
        <div className="admin-choices">
          <fieldset>
            <legend>Teams and groups</legend>
            {directory.groups.map((g) => (
              <label key={g} className="field field--inline">
                <input
                  type="checkbox"
                  data-testid={`admin-group-${g}`}
                  checked={groups.includes(g)}
                  onChange={(e) => onChange({ ...policy, access: { users, groups: toggle(groups, g, e.target.checked) } })}
                />
                <span>{g}</span>
              </label>
            ))}
          </fieldset>
          <fieldset>
            <legend>People</legend>
            {directory.users.map((u) => (
              <label key={u.login} className="field field--inline">
                <input
                  type="checkbox"
                  data-testid={`admin-user-${u.login}`}
                  checked={users.includes(u.login)}
                  onChange={(e) => onChange({ ...policy, access: { groups, users: toggle(users, u.login, e.target.checked) } })}
                />
                <span>{u.name}</span>
              </label>
            ))}
          </fieldset>
        </div>
      )}
    </section>
  )
}

function Limits({ policy, onChange }: { policy: OrgPolicy; onChange: (p: OrgPolicy) => void }) {
  return (
    <section className="settings__section">
      <h2 className="settings__title">Limits</h2>
      <label className="field field--inline">
        <span>Longest an approval may wait</span>
        <input
          className="input input--narrow"
          type="number"
          min={1}
          max={336}
          data-testid="admin-max-hours"
          value={policy.maxApprovalHours ?? ''}
          placeholder="no limit"
          onChange={(e) => onChange({ ...policy, maxApprovalHours: e.target.value === '' ? undefined : Number(e.target.value) })}
        />
        <span>hours</span>
      </label>
      <label className="field field--inline">
        <input
          type="checkbox"
          data-testid="admin-loosen"
          checked={policy.usersMayLoosen !== false}
          onChange={(e) => onChange({ ...policy, usersMayLoosen: e.target.checked ? undefined : false })}
        />
        <span>People may turn confirmation off for changes (&ldquo;Never ask&rdquo;)</span>
      </label>
    </section>
  )
}

function Providers({ policy, onChange }: { policy: OrgPolicy; onChange: (p: OrgPolicy) => void }) {
  const providers = policy.providers ?? {}
  const preset = providers.preset
  const setProviders = (next: NonNullable<OrgPolicy['providers']>) => onChange({ ...policy, providers: next })
  const setPreset = (patch: Partial<Preset>) => setProviders({ ...providers, preset: { kind: 'openai-compatible', model: '', ...preset, ...patch } })
  return (
    <section className="settings__section">
      <h2 className="settings__title">AI providers</h2>
      <label className="field field--inline">
        <span>A server on the person&rsquo;s own computer</span>
        <select
          className="select select--compact"
          data-testid="admin-allow-local"
          value={providers.allowLocal === undefined ? '' : String(providers.allowLocal)}
          onChange={(e) => setProviders({ ...providers, allowLocal: e.target.value === '' ? undefined : e.target.value === 'true' })}
        >
          <option value="">Not set</option>
          <option value="true">Allowed</option>
          <option value="false">Not allowed</option>
        </select>
      </label>
      {providers.allowed && <p className="muted small">{providers.allowed.length} allowed provider rule(s) from the stored policy are kept as they are.</p>}
      <label className="field field--inline">
        <input
          type="checkbox"
          data-testid="admin-preset"
          checked={preset !== undefined}
          onChange={(e) => setProviders({ ...providers, preset: e.target.checked ? { kind: 'openai-compatible', model: '' } : undefined })}
        />
        <span>Everyone uses one provider</span>
      </label>
      {preset && (
        <div className="inline-form">
          <select className="select select--compact" aria-label="Preset provider" data-testid="admin-preset-kind" value={preset.kind} onChange={(e) => setPreset({ kind: e.target.value as Preset['kind'] })}>
            <option value="openai">OpenAI</option>
            <option value="anthropic">Anthropic</option>
            <option value="openai-compatible">OpenAI-compatible</option>
          </select>
          <input className="input" aria-label="Preset base URL" placeholder="Base URL" data-testid="admin-preset-url" value={preset.baseURL ?? ''} onChange={(e) => setPreset({ baseURL: e.target.value || undefined })} />
          <input className="input" aria-label="Preset model" placeholder="Model" data-testid="admin-preset-model" value={preset.model} onChange={(e) => setPreset({ model: e.target.value })} />
        </div>
      )}
    </section>
  )
}

/** Drops empty entries so the stored policy says only what the administrator set. */
function tidy(policy: OrgPolicy): OrgPolicy {
  const out: OrgPolicy = { ...policy }
  if (out.abilities) {
    const abilities = Object.fromEntries(
      Object.entries(out.abilities)
        .map(([name, rule]) => [name, Object.fromEntries(Object.entries(rule ?? {}).filter(([, v]) => v !== undefined))])
        .filter(([, rule]) => Object.keys(rule as object).length > 0)
    )
    out.abilities = Object.keys(abilities).length ? abilities : undefined
  }
  if (out.providers) {
    const providers = Object.fromEntries(Object.entries(out.providers).filter(([, v]) => v !== undefined))
    out.providers = Object.keys(providers).length ? providers : undefined
  }
  return JSON.parse(JSON.stringify(out)) as OrgPolicy
}
