import { useState } from 'react'
import { useAppDispatch, useAppSelector } from '../store/hooks'
import { CONNECTION_MESSAGES } from '../api/connection'
import { loadAppState, retryConnection } from '../store/thunks'
import { composerFocusRequested, demoBannerHiddenChanged, draftChanged, viewSelected } from '../store/uiSlice'
import { DEMO_EXAMPLES } from '../../../shared/demo-examples'

/** Compact: one line saying what the demo is, and its example requests as buttons that fill the
 *  composer. Hiding it is remembered (Settings → Appearance brings it back). */
export function DemoBanner() {
  const dispatch = useAppDispatch()
  const hidden = useAppSelector((s) => s.ui.demoBannerHidden)
  const view = useAppSelector((s) => s.ui.view)
  if (hidden) return null
  const draftKey = view.kind === 'conversation' ? view.conversationId : ''
  return (
    <section className="banner banner--info banner--demo" data-testid="demo-banner" aria-label="Demo assistant">
      <div className="banner__body">
        <p>
          <strong>Demo assistant</strong> — offline, understands a fixed set of requests about the sample workspace. It is not an AI
          model.{' '}
          <button type="button" className="link-button" onClick={() => dispatch(viewSelected({ kind: 'settings' }))}>
            Connect a provider
          </button>
        </p>
        <ul className="example-list" aria-label="Try an example">
          {DEMO_EXAMPLES.map((example) => (
            <li key={example.request}>
              <button
                type="button"
                className="example-chip"
                data-testid="demo-example"
                title={example.does}
                onClick={() => {
                  dispatch(draftChanged({ key: draftKey, text: example.request }))
                  dispatch(composerFocusRequested())
                }}
              >
                {example.request}
              </button>
            </li>
          ))}
        </ul>
      </div>
      <button
        type="button"
        className="button button--small button--ghost"
        data-testid="demo-banner-hide"
        aria-label="Hide the demo banner"
        onClick={() => dispatch(demoBannerHiddenChanged(true))}
      >
        Hide
      </button>
    </section>
  )
}

/** An administrator's policy could not be used: everything asks until it is fixed. Never silent. */
export function PolicyProblemBanner({ problems }: { problems: { source: string; location: string; error: string }[] }) {
  return (
    <div className="banner banner--warning" data-testid="policy-problem" role="alert">
      <div className="banner__body">
        <p className="banner__title">An organisation policy could not be used: everything asks first</p>
        {problems.map((p) => (
          <p key={`${p.source}|${p.location}`}>
            The policy from {p.source} ({p.location}) is not valid: {p.error}. Until it is fixed, every action waits for your approval.
          </p>
        ))}
      </div>
    </div>
  )
}

/** The headless host's connection is not open: reconnecting, or what the user must do. */
export function DisconnectedBanner({ status }: { status: 'closed' | 'refused' | 'gone' }) {
  const dispatch = useAppDispatch()
  if (status === 'closed') {
    return (
      <div className="banner banner--warning banner--slim" data-testid="disconnected-banner" data-status={status} role="status">
        <span className="spinner spinner--small" aria-hidden="true" />
        <span>{CONNECTION_MESSAGES.closed}</span>
      </div>
    )
  }
  return (
    <div className="banner banner--warning banner--slim" data-testid="disconnected-banner" data-status={status} role="alert">
      <span>{CONNECTION_MESSAGES[status]}</span>
      {status === 'gone' && (
        <button type="button" className="button button--small" data-testid="reconnect-button" onClick={() => dispatch(retryConnection())}>
          Try again
        </button>
      )}
    </div>
  )
}

export function SessionProblemBanner({ problem, signedIn }: { problem: string; signedIn: boolean }) {
  const dispatch = useAppDispatch()
  const [retrying, setRetrying] = useState(false)
  const retry = async () => {
    setRetrying(true)
    try {
      await dispatch(loadAppState())
    } finally {
      setRetrying(false)
    }
  }
  return (
    <div className="banner banner--warning" data-testid="session-problem" role="alert">
      <div className="banner__body">
        <p className="banner__title">Your CRM session is unavailable</p>
        <p>{problem}</p>
      </div>
      <div className="banner__actions">
        <button type="button" className="button button--small" data-testid="session-retry" disabled={retrying} onClick={retry}>
          {retrying ? 'Retrying…' : 'Retry'}
        </button>
        {signedIn && (
          <button
            type="button"
            className="button button--small"
            data-testid="session-signin"
            onClick={() => dispatch(viewSelected({ kind: 'settings', section: 'accounts' }))}
          >
            Sign in again
          </button>
        )}
      </div>
    </div>
  )
}
