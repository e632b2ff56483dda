// The one place pushed events enter the store. Every contract event maps to a past-tense action;
// the map's type makes a missing event a compile error.
import type { UnknownAction } from '@reduxjs/toolkit'
import type { CountersignApi, EventName, EventPayload } from '../../../shared/contract'
import type { ConnectionMonitor } from '../api/connection'
import { actionChanged } from './actionsSlice'
import { appChanged } from './appSlice'
import { connectionChanged } from './connectionSlice'
import { conversationChanged, conversationRemoved, entryRemoved, entryUpserted } from './conversationsSlice'
import { focusRequested, viewSelected } from './uiSlice'

type EventToAction = { [K in EventName]: (payload: EventPayload<K>) => UnknownAction }

export const eventActions: EventToAction = {
  'conversation.changed': (payload) => conversationChanged(payload),
  'conversation.entry': (payload) => entryUpserted(payload),
  'conversation.entryRemoved': (payload) => entryRemoved(payload),
  'conversation.removed': (payload) => conversationRemoved(payload),
  'action.changed': (payload) => actionChanged(payload),
  'app.changed': (payload) => appChanged(payload),
  'ui.focusAction': (payload) => focusRequested(payload),
  'ui.showInbox': () => viewSelected({ kind: 'inbox' })
}

/** Subscribes to every event; returns one function that unsubscribes them all. */
export function startBridge(api: CountersignApi, dispatch: (action: UnknownAction) => unknown): () => void {
  const names = Object.keys(eventActions) as EventName[]
  const unsubscribes = names.map((name) => subscribeOne(api, name, dispatch))
  return () => {
    for (const unsubscribe of unsubscribes) unsubscribe()
  }
}

function subscribeOne<K extends EventName>(api: CountersignApi, name: K, dispatch: (action: UnknownAction) => unknown): () => void {
  const toAction = eventActions[name] as (payload: EventPayload<K>) => UnknownAction
  const subscribe = api.events[name] as (listener: (payload: EventPayload<K>) => void) => () => void
  return subscribe((payload) => {
    dispatch(toAction(payload))
  })
}

/** Mirrors the transport's health into the store (the headless host's WebSocket only). */
export function bindConnection(connection: ConnectionMonitor, dispatch: (action: UnknownAction) => unknown): () => void {
  dispatch(connectionChanged(connection.status))
  return connection.subscribe((status) => dispatch(connectionChanged(status)))
}
