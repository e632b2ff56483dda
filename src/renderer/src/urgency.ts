/** Below this much time left, a waiting action is urgent: it looks different and says so. */
export const URGENT_MS = 3 * 3_600_000

export function isUrgent(expiresAt: number, now: number): boolean {
  const left = expiresAt - now
  return left > 0 && left < URGENT_MS
}
