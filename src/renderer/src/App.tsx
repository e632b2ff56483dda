import { useAppDispatch, useAppSelector } from './store/hooks'
import { loadAppState } from './store/thunks'
import { DemoBanner, DisconnectedBanner, SessionProblemBanner } from './components/Banners'
import { Composer } from './components/Composer'
import { ConversationView } from './components/ConversationView'
import { Inbox } from './components/Inbox'
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
      <Sidebar app={app.state} />
      <main className="main">
        {lostStatus && <DisconnectedBanner status={lostStatus} />}
        {app.state.sessionProblem && <SessionProblemBanner problem={app.state.sessionProblem} signedIn />}
        <MainView app={app.state} />
      </main>
    </div>
  )
}

function MainView({ app }: { app: AppState }) {
  const view = useAppSelector((s) => s.ui.view)
  if (view.kind === 'settings') return <Settings app={app} section={view.section} />
  if (view.kind === 'activity') return <ActivityView />
  const demo = app.provider.kind === 'demo'
  if (!app.allowed) {
    return (
      <div className="access-denied" data-testid="access-denied" role="alert">
        <p className="empty-state__title">You cannot use the assistant</p>
        <p>{app.accessReason ?? 'Your organisation has not given you access to Countersign.'}</p>
        <p className="muted">If you think this is wrong, ask your administrator.</p>
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
          <p className="empty-state__title">What can I help with?</p>
          <p className="muted">
            Ask about your CRM. Reads and searches run right away; anything that changes data waits for your approval on a card.
          </p>
        </div>
      </div>
      <Composer conversationId={null} status="idle" />
    </section>
  )
}
