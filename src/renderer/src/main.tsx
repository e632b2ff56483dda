import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { Provider } from 'react-redux'
import { resolveApi } from './api'
import { App } from './App'
import { startBrowserAttention } from './browser/attention'
import { createAppStore } from './store'
import { bindConnection, startBridge } from './store/bridge'
import { loadAppState } from './store/thunks'
import './styles.css'

const { api, connection } = resolveApi()
const store = createAppStore(api, connection ? { connection, preloadedState: { connection: { status: connection.status, hasBeenOpen: connection.status === 'open' } } } : {})
startBridge(api, store.dispatch)
if (connection) bindConnection(connection, store.dispatch)
void store.dispatch(loadAppState())
// In a browser tab (headless host): tab title count and Web Notifications. Electron's main does its own.
if (connection) startBrowserAttention(store, api)

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <Provider store={store}>
      <App />
    </Provider>
  </StrictMode>
)
