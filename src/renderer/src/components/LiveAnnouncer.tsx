import { useAppSelector } from '../store/hooks'

/** One polite live region for the whole app: new cards and finished answers are read out here.
 *  Keyed by the announcement's nonce so that the same words twice are read twice. */
export function LiveAnnouncer() {
  const announcement = useAppSelector((s) => s.ui.announcement)
  return (
    <div className="visually-hidden" role="status" aria-live="polite" aria-atomic="true" data-testid="live-region">
      {announcement && <p key={announcement.nonce}>{announcement.text}</p>}
    </div>
  )
}
