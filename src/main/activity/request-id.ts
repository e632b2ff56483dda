// Which request a model step or tool call belongs to: the user's message that started it, i.e. the
// conversation's latest user entry. So an answer that goes on after an approval, even days later
// or after a restart, is counted with the question that led to it.
import type { ConversationRecord } from '../conversations/store'

export function requestIdOf(conversation: Pick<ConversationRecord, 'id' | 'entries'>): string {
  for (let i = conversation.entries.length - 1; i >= 0; i--) {
    const entry = conversation.entries[i]
    if (entry.kind === 'user') return entry.id
  }
  return `conversation:${conversation.id}`
}
