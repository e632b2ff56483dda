import type { Entry, TokenUsage } from '../../../shared/domain'

const format = (n: number) => n.toLocaleString('en-US')

/** Tokens one answer used, quietly under it. */
export function AnswerUsage({ usage }: { usage: TokenUsage | undefined }) {
  if (!usage) return null
  return (
    <span className="muted small entry__usage" data-testid="answer-usage" title="As reported by the provider">
      {format(usage.inputTokens)} in · {format(usage.outputTokens)} out
    </span>
  )
}

/** The sum over a conversation's answers (only those the provider reported). */
export function conversationUsage(entries: Entry[]): TokenUsage | null {
  let inputTokens = 0
  let outputTokens = 0
  let reported = false
  for (const entry of entries) {
    if (entry.kind !== 'assistant' || !entry.usage) continue
    reported = true
    inputTokens += entry.usage.inputTokens
    outputTokens += entry.usage.outputTokens
  }
  return reported ? { inputTokens, outputTokens } : null
}

export function ConversationUsage({ entries }: { entries: Entry[] }) {
  const total = conversationUsage(entries)
  if (!total) return null
  return (
    <span className="muted small" data-testid="conversation-usage" title="Tokens in this conversation, as reported by the provider">
      {format(total.inputTokens + total.outputTokens)} tokens
    </span>
  )
}
