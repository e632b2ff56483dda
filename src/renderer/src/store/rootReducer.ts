import { combineReducers } from '@reduxjs/toolkit'
import { actionsSlice } from './actionsSlice'
import { appSlice } from './appSlice'
import { connectionSlice } from './connectionSlice'
import { conversationsSlice } from './conversationsSlice'
import { inboxSlice } from './inboxSlice'
import { settingsSlice } from './settingsSlice'
import { uiSlice } from './uiSlice'

export const rootReducer = combineReducers({
  app: appSlice.reducer,
  conversations: conversationsSlice.reducer,
  actions: actionsSlice.reducer,
  inbox: inboxSlice.reducer,
  settings: settingsSlice.reducer,
  ui: uiSlice.reducer,
  connection: connectionSlice.reducer
})
