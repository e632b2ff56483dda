import { useState } from 'react'
import type { ConsentText } from '../../../shared/domain'
import { errorMessage } from '../api/errors'
import { useAppDispatch } from '../store/hooks'
import { cancelProviderChoice, consentToProvider } from '../store/thunks'

/** The explicit yes before any data leaves for a provider. Cancel tells main to discard the
 *  choice held aside (and its key): nothing changes, and Settings keeps showing what is in use. */
export function ConsentScreen({ consent, onDone, onCancel }: { consent: ConsentText; onDone: () => void; onCancel: () => void }) {
  const dispatch = useAppDispatch()
  const [agreed, setAgreed] = useState(false)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)

  const enable = async () => {
    if (!agreed) return
    setBusy(true)
    setError(null)
    try {
      await dispatch(consentToProvider({ wordingVersion: consent.wordingVersion, endpointHost: consent.endpointHost })).unwrap()
      onDone()
    } catch (e) {
      setError(errorMessage(e))
    } finally {
      setBusy(false)
    }
  }

  const cancel = async () => {
    setBusy(true)
    setError(null)
    try {
      await dispatch(cancelProviderChoice()).unwrap()
      onCancel()
    } catch (e) {
      setError(errorMessage(e))
    } finally {
      setBusy(false)
    }
  }

  const unknownOperator = consent.operatorKnown === false

  return (
    <section className="consent panel" data-testid="consent-screen" aria-label="Data sharing consent">
      <h3 className="panel__title">Before Countersign sends anything to {consent.providerName}</h3>
      <div className={`consent__where ${consent.local ? 'consent__where--local' : 'consent__where--remote'}`}>
        <p>
          <strong>To whom:</strong> <span data-testid="consent-receiver">{consent.receiver ?? consent.providerName}</span>, at{' '}
          <code data-testid="consent-host">{consent.endpointHost}</code>
        </p>
        {unknownOperator && (
          <p data-testid="consent-unknown-operator">
            <strong>Countersign cannot tell who operates this server.</strong> It is not the provider’s own endpoint, so the provider’s terms do not tell you
            what happens to your data there. Agree only if you know who runs it.
          </p>
        )}
        <p>
          {consent.local
            ? 'This endpoint is on this machine: your data stays here.'
            : `This endpoint is outside this machine: the data below leaves your computer and is processed by ${unknownOperator ? 'whoever operates that server' : (consent.receiver ?? 'this provider')}.`}
        </p>
      </div>
      <p>
        <strong>What will be sent</strong>, for each request you make:
      </p>
      <ul className="consent__list">
        {consent.whatIsSent.map((item) => (
          <li key={item}>{item}</li>
        ))}
      </ul>
      {consent.termsUrl && (
        <p>
          The provider’s data terms: <span className="url-text" data-testid="consent-terms">{consent.termsUrl}</span>
        </p>
      )}
      <p className="muted small">Wording version {consent.wordingVersion}. You can withdraw this consent in Settings at any time.</p>
      <label className="checkbox">
        <input type="checkbox" data-testid="consent-agree" checked={agreed} onChange={(e) => setAgreed(e.target.checked)} disabled={busy} />
        <span>I understand and agree</span>
      </label>
      {error && (
        <p className="form-error" role="alert" data-testid="consent-error">
          {error}
        </p>
      )}
      <div className="form__actions">
        <button type="button" className="button button--primary" data-testid="consent-enable" disabled={!agreed || busy} onClick={enable}>
          {busy ? 'Enabling…' : 'Enable provider'}
        </button>
        <button type="button" className="button button--ghost" data-testid="consent-cancel" disabled={busy} onClick={cancel}>
          Cancel
        </button>
      </div>
    </section>
  )
}
