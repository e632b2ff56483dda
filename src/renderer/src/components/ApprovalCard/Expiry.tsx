import { formatTimeLeft } from '../../format'
import { useMinuteClock } from '../../hooks/useMinuteClock'
import { URGENT_MS } from '../../urgency'

export function Expiry({ expiresAt }: { expiresAt: number }) {
  const now = useMinuteClock(expiresAt)
  const left = expiresAt - now
  const urgent = left > 0 && left < URGENT_MS
  return (
    <p className={`card__expiry${urgent ? ' card__expiry--urgent' : ''}`} data-testid="card-expiry" data-urgent={urgent ? 'true' : 'false'}>
      {left <= 0
        ? 'The time to approve has run out'
        : urgent
          ? `Less than ${URGENT_MS / 3_600_000} hours left — expires in ${formatTimeLeft(left)}`
          : `Expires in ${formatTimeLeft(left)}`}
    </p>
  )
}
