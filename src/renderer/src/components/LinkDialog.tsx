import { useEffect, useId, useRef, useState } from 'react'
import { useAppDispatch } from '../store/hooks'
import { openExternal } from '../store/thunks'
import { useBusyTask } from '../hooks/useBusyTask'

/** A link from an answer: its address in full, and an explicit, checked confirmation before main
 *  opens it (https only; main checks again). */
export function LinkDialog({ href, text, onClose }: { href: string; text: string; onClose: () => void }) {
  const dispatch = useAppDispatch()
  const ref = useRef<HTMLDialogElement>(null)
  const [checked, setChecked] = useState(false)
  const { busy, error, setError, run } = useBusyTask()
  const id = useId()
  const secure = /^https:\/\//i.test(href)

  useEffect(() => {
    const dialog = ref.current
    if (dialog && !dialog.open) dialog.showModal()
  }, [])

  const open = () =>
    run('open', async () => {
      const result = await dispatch(openExternal(href)).unwrap()
      if (result.outcome === 'refused') {
        setError(result.reason)
        return
      }
      if (result.outcome === 'open_in_browser') window.open(result.url, '_blank', 'noopener,noreferrer')
      ref.current?.close()
    })

  return (
    <dialog ref={ref} className="dialog" aria-labelledby={`${id}-title`} data-testid="link-dialog" onClose={onClose}>
      <div className="dialog__head">
        <h2 id={`${id}-title`} className="dialog__title">
          Open this link?
        </h2>
      </div>
      <p>The answer links “{text}” to this address. Check it before you open it:</p>
      <p className="url-text" data-testid="link-address">
        {href}
      </p>
      {secure ? (
        <label className="checkbox">
          <input type="checkbox" data-testid="link-confirm" checked={checked} onChange={(e) => setChecked(e.target.checked)} />
          I have checked the address and want to open it
        </label>
      ) : (
        <p className="form-error" data-testid="link-refused">
          Only secure (https) links are opened from answers. You can copy the address instead.
        </p>
      )}
      {error && (
        <p className="form-error" role="alert" data-testid="link-error">
          {error}
        </p>
      )}
      <div className="form__actions">
        {secure && (
          <button type="button" className="button button--primary" data-testid="link-open" disabled={!checked || busy !== null} onClick={open}>
            Open in browser
          </button>
        )}
        <button type="button" className="button" onClick={() => ref.current?.close()}>
          Cancel
        </button>
      </div>
    </dialog>
  )
}
