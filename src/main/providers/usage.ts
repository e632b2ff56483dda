// Token usage as the streams report it (the AI SDK's `finish` part, `totalUsage`), in the shape an
// assistant entry carries. Providers that report nothing give undefined: nothing is estimated.
import type { LanguageModelUsage } from 'ai'
import type { TokenUsage } from '../../shared/domain'

export function tokenUsageOf(usage: LanguageModelUsage | undefined): TokenUsage | undefined {
  const input = usage?.inputTokens
  const output = usage?.outputTokens
  if (typeof input !== 'number' && typeof output !== 'number') return undefined
  const whole = (n: number | undefined) => (typeof n === 'number' && Number.isFinite(n) && n > 0 ? Math.round(n) : 0)
  return { inputTokens: whole(input), outputTokens: whole(output) }
}
