// In a browser tab (the headless host), the tab does what the desktop app's OS notifications do:
// the title shows how many actions wait, and a waiting action raises a Web Notification while the
// tab is hidden (once the user has allowed notifications), and again once when it has about two
// hours left. Inside Electron, main raises OS notifications instead and this is not started.
import type { CountersignApi } from '../../../shared/contract'
import type { ActionView } from '../../../shared/domain'
import type { AppStore } from '../store'
import { selectWaitingCount } from '../store/selectors'
import { focusRequested } from '../store/uiSlice'

export const REMINDER_MS = 2 * 3_600_000

type NotificationLike = { onclick: ((this: unknown, ev: unknown) => unknown) | null; close(): void }
export type AttentionEnv = {
  document: { title: string; hidden: boolean }
  Notification?: { permission: string; new (title: string, options?: { body?: string; tag?: string }): NotificationLike }
  focusWindow: () => void
  now: () => number
  setInterval: (fn: () => void, ms: number) => unknown
  clearInterval: (handle: unknown) => void
}

export function browserEnv(): AttentionEnv {
  return {
    document,
    Notification: typeof Notification === 'undefined' ? undefined : (Notification as unknown as AttentionEnv['Notification']),
    focusWindow: () => window.focus(),
    now: () => Date.now(),
    setInterval: (fn, ms) => window.setInterval(fn, ms),
    clearInterval: (h) => window.clearInterval(h as number)
  }
}

export const BASE_TITLE = 'Countersign'

export function startBrowserAttention(store: AppStore, api: CountersignApi, env: AttentionEnv = browserEnv()): () => void {
  const rung = new Set<string>()
  const reminded = new Set<string>()
  let lastTitle = ''

  const notify = (action: ActionView, title: string) => {
    const N = env.Notification
    if (!N || N.permission !== 'granted' || !env.document.hidden) return
    try {
      const n = new N(title, { body: action.card.summary, tag: `${action.id}:${title}` })
      n.onclick = () => {
        env.focusWindow()
        store.dispatch(focusRequested({ actionId: action.id, conversationId: action.conversationId }))
        n.close()
      }
    } catch {
      // Some browsers only allow notifications from a service worker: the title still counts.
    }
  }

  const updateTitle = () => {
    const count = selectWaitingCount(store.getState())
    const title = count > 0 ? `(${count}) ${BASE_TITLE}` : BASE_TITLE
    if (title !== lastTitle) env.document.title = lastTitle = title
  }

  // A card that main pushes as newly waiting rings once; cards loaded with the inbox were already counted.
  const offChanged = api.events['action.changed']((action) => {
    if (action.state !== 'pending' || rung.has(action.id)) return
    rung.add(action.id)
    notify(action, 'An action is waiting for your approval')
  })

  // Once, when a waiting action has about two hours left.
  const remind = () => {
    const state = store.getState()
    const now = env.now()
    for (const id of state.actions.ids) {
      const action = state.actions.entities[id]
      const left = action.expiresAt - now
      if (action.state === 'pending' && left > 0 && left <= REMINDER_MS && !reminded.has(id)) {
        reminded.add(id)
        notify(action, 'About two hours left to approve')
      }
    }
  }

  updateTitle()
  const unsubscribe = store.subscribe(updateTitle)
  const timer = env.setInterval(remind, 60_000)
  return () => {
    offChanged()
    unsubscribe()
    env.clearInterval(timer)
  }
}
