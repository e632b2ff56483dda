// Rename, delete, search, and reuse of an empty conversation: what people do with a list of
// conversations. Self-contained so it can be wired into the handler map as it is; every function
// takes the signed-in user's id and never touches anyone else's conversations.
import type { ActionState, ConversationSummary } from '../../shared/domain'
import { summaryOf, type ConversationRecord, type ConversationStore } from './store'

import { ConversationRefusedError } from '../errors'
export { ConversationRefusedError }

/** Actions in these states still need the conversation (waiting, or running, or to be settled). */
const IN_PLAY: readonly ActionState[] = ['proposed', 'pending', 'approved', 'executing', 'outcome_unknown']

/** Control, bidi and zero-width characters: a title must read as it is. */
const HIDDEN = /[\u0000-\u001f\u007f-\u009f\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/u

export const TITLE_MAX = 120

function owned(store: ConversationStore, userId: string, id: string): ConversationRecord {
  const record = store.get(id)
  if (!record || record.principal !== userId) throw new ConversationRefusedError('not_found', 'This conversation does not exist or is not yours.')
  return record
}

export function renameConversation(store: ConversationStore, userId: string, id: string, title: string): ConversationSummary {
  owned(store, userId, id)
  const clean = title.trim().replace(/\s+/g, ' ')
  if (!clean) throw new ConversationRefusedError('invalid_title', 'Give the conversation a name.')
  if (clean.length > TITLE_MAX) throw new ConversationRefusedError('invalid_title', `Keep the name under ${TITLE_MAX} characters.`)
  if (HIDDEN.test(clean)) throw new ConversationRefusedError('invalid_title', 'The name contains invisible characters; type it again.')
  return summaryOf(store.update(id, (draft) => (draft.title = clean)))
}

/**
 * Deletes a conversation, unless an action in it still waits, runs or needs settling. The audit
 * trail (its own file) and the ledger's record of every action are kept.
 */
export function deleteConversation(
  store: ConversationStore,
  ledger: { forConversation(conversationId: string): { state: ActionState }[] },
  userId: string,
  id: string
): void {
  const record = owned(store, userId, id)
  if (record.status === 'running') throw new ConversationRefusedError('in_play', 'Stop the answer being written first, then delete the conversation.')
  const busy = ledger.forConversation(id).filter((a) => IN_PLAY.includes(a.state))
  if (busy.length > 0) {
    throw new ConversationRefusedError(
      'in_play',
      busy.length === 1
        ? 'An action in this conversation is still waiting or running. Decide or settle it first.'
        : `${busy.length} actions in this conversation are still waiting or running. Decide or settle them first.`
    )
  }
  store.remove(id)
}

export type SearchHit = ConversationSummary & { snippet: string }

/** Conversations whose title or text contains every word of `query`, newest first. */
export function searchConversations(store: ConversationStore, userId: string, query: string, limit = 20): SearchHit[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean)
  if (words.length === 0) return []
  const hits: SearchHit[] = []
  for (const record of store.list(userId)) {
    const texts = [record.title, ...record.entries.map((e) => (e.kind === 'tool' ? e.title : e.kind === 'notice' ? e.text : e.text))]
    const haystack = texts.join('\n').toLowerCase()
    if (!words.every((w) => haystack.includes(w))) continue
    const source = texts.find((t) => t.toLowerCase().includes(words[0])) ?? record.title
    const at = source.toLowerCase().indexOf(words[0])
    const start = Math.max(0, at - 40)
    hits.push({ ...summaryOf(record), snippet: `${start > 0 ? '…' : ''}${source.slice(start, start + 120)}${start + 120 < source.length ? '…' : ''}` })
    if (hits.length >= limit) break
  }
  return hits
}

/** "New conversation" does not pile up empty entries: the user's newest untouched one is reused. */
export function reusableEmptyConversation(store: ConversationStore, userId: string): ConversationRecord | undefined {
  return store.list(userId).find((c) => c.entries.length === 0 && c.messages.length === 0 && c.status === 'idle')
}
