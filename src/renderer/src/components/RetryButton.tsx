import { useEffect, useState } from 'react'

/** Seconds left before a retry is worth trying, counted from when the notice was written. */
export function secondsLeft(at: number, retryAfterSeconds: number | undefined, now: number): number {
  if (!retryAfterSeconds) return 0
  return Math.max(0, Math.ceil((at + retryAfterSeconds * 1000 - now) / 1000))
}

/** Retry for a failed answer. When the provider asked to wait, the button counts down and is
 *  disabled until then, so it never offers what the notice says will not work yet. */
export function RetryButton({ at, retryAfterSeconds, busy, onRetry }: { at: number; retryAfterSeconds?: number; busy: boolean; onRetry: () => void }) {
  const [now, setNow] = useState(() => Date.now())
  const left = secondsLeft(at, retryAfterSeconds, now)
  const waiting = left > 0
  useEffect(() => {
    if (!waiting) return
    const timer = setInterval(() => setNow(Date.now()), 250)
    return () => clearInterval(timer)
  }, [waiting])
  return (
    <button type="button" className="button button--small" data-testid="notice-retry" data-wait={left} disabled={busy || left > 0} onClick={onRetry}>
      {busy ? 'Retrying…' : left > 0 ? `Retry in ${left} s` : 'Retry'}
    </button>
  )
}
