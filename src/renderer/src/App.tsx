import { useEffect } from 'react'
import { useGlobalShortcuts } from './keyboard/useGlobalShortcuts'
import { useAppDispatch, useAppSelector } from './store/hooks'
import { loadAppState } from './store/thunks'
import { Administration } from './components/Administration'
import { DemoBanner, DisconnectedBanner, PolicyProblemBanner, SessionProblemBanner } from './components/Banners'
import { Composer } from './components/Composer'
import { ConversationView } from './components/ConversationView'
import { Inbox } from './components/Inbox'
import { LiveAnnouncer } from './components/LiveAnnouncer'
import { ShortcutsSheet } from './components/ShortcutsSheet'
import { ActivityView } from './components/activity/ActivityView'
import { Settings } from './components/Settings'
import { Sidebar } from './components/Sidebar'
import { SignInScreen } from './components/SignIn'
import type { AppState } from '../../shared/domain'

export function App() {
  const dispatch = useAppDispatch()
  const app = useAppSelector((s) => s.app)
  const connection = useAppSelector((s) => s.connection)
  // 'closed': the client is reconnecting; 'refused' and 'gone': it stopped, and the banner says what to do.
  const lostStatus = connection.status === 'closed' || connection.status === 'refused' || connection.status === 'gone' ? connection.status : null
  const theme = useAppSelector((s) => s.ui.theme)
  const signedIn = Boolean(app.state?.user)
  useGlobalShortcuts(signedIn)

  // "system" follows the OS (prefers-color-scheme); light and dark override it (styles.css).
  useEffect(() => {
    document.documentElement.dataset.theme = theme
  }, [theme])

  if (!app.state) {
    return (
      <div className="app app--centered">
        {lostStatus && <DisconnectedBanner status={lostStatus} />}
        {app.status === 'error' ? (
          <div className="startup-error" role="alert">
            <p className="empty-state__title">Countersign could not start</p>
            <p className="muted">{app.error}</p>
            <button type="button" className="button button--primary" onClick={() => dispatch(loadAppState())}>
              Try again
            </button>
          </div>
        ) : (
          <p className="muted" data-testid="app-loading">
            <span className="spinner spinner--small" aria-hidden="true" /> Connecting to Countersign…
          </p>
        )}
      </div>
    )
  }

  if (!app.state.user) {
    return (
      <div className="app app--signin">
        {lostStatus && <DisconnectedBanner status={lostStatus} />}
        <SignInScreen app={app.state} />
      </div>
    )
  }

  return (
    <div className="app">
      <a
        className="skip-link"
        href="#main"
        data-testid="skip-link"
        onClick={(e) => {
          e.preventDefault()
          document.getElementById('main')?.focus()
        }}
      >
        Skip to main content
      </a>
      <Sidebar app={app.state} />
      <main className="main" id="main" tabIndex={-1}>
        {lostStatus && <DisconnectedBanner status={lostStatus} />}
        {app.state.sessionProblem && <SessionProblemBanner problem={app.state.sessionProblem} signedIn />}
        {app.state.organisation && app.state.organisation.problems.length > 0 && <PolicyProblemBanner problems={app.state.organisation.problems} />}
        <MainView app={app.state} />
      </main>
      <LiveAnnouncer />
      <ShortcutsSheet />
    </div>
  )
}

function MainView({ app }: { app: AppState }) {
  const view = useAppSelector((s) => s.ui.view)
  if (view.kind === 'settings') return <Settings app={app} section={view.section} />
  if (view.kind === 'administration' && app.organisation?.administrator) return <Administration />
  if (view.kind === 'activity') return <ActivityView />
  const demo = app.provider.kind === 'demo'
  if (!app.allowed) {
    return (
      <div className="access-denied" data-testid="access-denied" role="alert">
        <p className="empty-state__title">The assistant is not available to you</p>
        <p>{app.accessReason ?? 'Your organisation has not given you access to Countersign.'}</p>
        <p className="muted">Nothing you type here is sent to any AI provider. If you think this is wrong, ask your administrator.</p>
      </div>
    )
  }
  return (
    <>
      {demo && view.kind !== 'inbox' && <DemoBanner />}
      {view.kind === 'conversation' ? (
        <ConversationView key={view.conversationId} conversationId={view.conversationId} />
      ) : view.kind === 'inbox' ? (
        <Inbox />
      ) : (
        <Home />
      )}
    </>
  )
}

function Home() {
  return (
    <section className="conversation conversation--home" aria-label="Start">
      <div className="conversation__scroll">
        <div className="empty-state">
          <h1 className="empty-state__title">What can I help with?</h1>
          <p className="muted">
            Ask about your CRM. Reads and searches run right away; anything that changes data waits for your approval on a card.
          </p>
        </div>
      </div>
      <Composer conversationId={null} status="idle" />
    </section>
  )
}
