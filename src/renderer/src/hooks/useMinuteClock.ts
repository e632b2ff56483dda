import { useEffect, useState } from 'react'

/** The current time, updated each time the whole minutes left until `deadline` change. */
export function useMinuteClock(deadline: number, enabled = true): number {
  const [now, setNow] = useState(() => Date.now())
  useEffect(() => {
    if (!enabled) return
    const left = deadline - Date.now()
    // Wake just after the displayed minute rolls over (or every minute once past the deadline).
    const wait = left > 0 ? (left % 60_000 || 60_000) + 25 : 60_000
    const timer = setTimeout(() => setNow(Date.now()), wait)
    return () => clearTimeout(timer)
  }, [deadline, enabled, now])
  return now
}
