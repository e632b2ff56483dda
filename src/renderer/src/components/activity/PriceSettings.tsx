import { useEffect, useState } from 'react'
import type { ActivitySettingsView, PriceRow } from '../../../../shared/activity'
import { errorMessage } from '../../api/errors'
import { useAppDispatch } from '../../store/hooks'
import { fetchActivitySettings, removePrice, setPrice, setRetentionDays } from './requests'

const KINDS = ['openai', 'anthropic', 'deepseek', 'openai-compatible', 'demo']
const SOURCE: Record<PriceRow['source'], string> = { default: 'Default', yours: 'Yours', organisation: 'Your organisation' }

/** Settings: the price per million tokens for each model, and how long the audit trail keeps entries. */
export function PriceSettings() {
  const dispatch = useAppDispatch()
  const [view, setView] = useState<ActivitySettingsView | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [draft, setDraft] = useState({ providerKind: 'openai', model: '', input: '', output: '' })
  const [days, setDays] = useState('')

  useEffect(() => {
    dispatch(fetchActivitySettings())
      .unwrap()
      .then((v) => {
        setView(v)
        setDays(String(v.retentionDays))
      }, (e) => setError(errorMessage(e)))
  }, [dispatch])

  const run = async (work: () => Promise<ActivitySettingsView>) => {
    setError(null)
    try {
      const v = await work()
      setView(v)
      setDays(String(v.retentionDays))
    } catch (e) {
      setError(errorMessage(e))
    }
  }

  const save = (e: React.FormEvent) => {
    e.preventDefault()
    const input = Number(draft.input)
    const output = Number(draft.output)
    if (!draft.model.trim() || draft.input === '' || draft.output === '' || !Number.isFinite(input) || !Number.isFinite(output) || input < 0 || output < 0) {
      setError('Give the model name and both prices, in US dollars per million tokens (0 or more).')
      return
    }
    void run(() => dispatch(setPrice({ providerKind: draft.providerKind, model: draft.model.trim(), inputPerMillion: input, outputPerMillion: output })).unwrap())
  }

  return (
    <div className="price-settings" data-testid="price-settings">
      <p className="muted">
        US dollars per million tokens. A model with no price here shows its tokens only: Countersign never guesses a cost. Prices apply to requests from when they are set.
      </p>
      {error && (
        <p className="inline-error" role="alert">
          {error}
        </p>
      )}
      {view && (
        <div className="table-scroll">
        <table className="policy-table" data-testid="price-table">
          <thead>
            <tr>
              <th scope="col">Provider</th>
              <th scope="col">Model</th>
              <th scope="col">Input</th>
              <th scope="col">Output</th>
              <th scope="col">Set by</th>
              <th scope="col" />
            </tr>
          </thead>
          <tbody>
            {view.prices.map((p) => (
              <tr key={`${p.providerKind}|${p.model}`} data-testid="price-row" data-model={p.model} title={p.note ?? undefined}>
                <td>{p.providerKind}</td>
                <td>{p.model}</td>
                <td>${p.inputPerMillion}</td>
                <td>${p.outputPerMillion}</td>
                <td>{SOURCE[p.source]}</td>
                <td>
                  {p.source !== 'organisation' && (
                    <button type="button" className="link-button small" onClick={() => setDraft({ providerKind: p.providerKind, model: p.model, input: String(p.inputPerMillion), output: String(p.outputPerMillion) })}>
                      Change
                    </button>
                  )}
                  {p.source === 'yours' && (
                    <button type="button" className="link-button small" data-testid="price-remove" onClick={() => void run(() => dispatch(removePrice({ providerKind: p.providerKind, model: p.model })).unwrap())}>
                      Remove
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        </div>
      )}
      <form className="price-form" onSubmit={save}>
        <label>
          Provider
          <select data-testid="price-kind" value={draft.providerKind} onChange={(e) => setDraft({ ...draft, providerKind: e.target.value })}>
            {KINDS.map((k) => (
              <option key={k} value={k}>
                {k}
              </option>
            ))}
          </select>
        </label>
        <label>
          Model
          <input data-testid="price-model" value={draft.model} onChange={(e) => setDraft({ ...draft, model: e.target.value })} />
        </label>
        <label>
          Input $/M
          <input data-testid="price-input" inputMode="decimal" value={draft.input} onChange={(e) => setDraft({ ...draft, input: e.target.value })} />
        </label>
        <label>
          Output $/M
          <input data-testid="price-output" inputMode="decimal" value={draft.output} onChange={(e) => setDraft({ ...draft, output: e.target.value })} />
        </label>
        <button type="submit" className="button button--small" data-testid="price-save">
          Save price
        </button>
      </form>

      <h3 className="settings__subtitle">Keep the audit trail for</h3>
      <form
        className="price-form"
        onSubmit={(e) => {
          e.preventDefault()
          const n = Number(days)
          if (!Number.isInteger(n) || n < 30 || n > 3650) {
            setError('Keep entries between 30 and 3650 days.')
            return
          }
          void run(() => dispatch(setRetentionDays({ days: n })).unwrap())
        }}
      >
        <label>
          Days
          <input data-testid="retention-days" inputMode="numeric" value={days} onChange={(e) => setDays(e.target.value)} />
        </label>
        <button type="submit" className="button button--small" data-testid="retention-save">
          Save
        </button>
        <span className="muted small">Older entries move to a dated archive file beside the log, with the chain carried over; nothing is deleted. This applies to everyone on this computer.</span>
      </form>
    </div>
  )
}
