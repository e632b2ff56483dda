import { useEffect, useRef } from 'react'
import { describeShortcut, GLOBAL_SHORTCUTS, LOCAL_SHORTCUTS } from '../keyboard/shortcuts'
import { useAppDispatch, useAppSelector } from '../store/hooks'
import { shortcutsToggled } from '../store/uiSlice'

/** Every keyboard shortcut, in a modal dialog (the browser's own: focus kept inside, Esc closes). */
export function ShortcutsSheet() {
  const open = useAppSelector((s) => s.ui.shortcutsOpen)
  const dispatch = useAppDispatch()
  const ref = useRef<HTMLDialogElement>(null)
  const returnTo = useRef<Element | null>(null)

  useEffect(() => {
    const dialog = ref.current
    if (!dialog) return
    if (open && !dialog.open) {
      returnTo.current = document.activeElement
      dialog.showModal()
    } else if (!open && dialog.open) {
      dialog.close()
    }
  }, [open])

  return (
    <dialog
      ref={ref}
      className="dialog"
      aria-labelledby="shortcuts-title"
      data-testid="shortcuts-sheet"
      onClose={() => {
        dispatch(shortcutsToggled(false))
        const back = returnTo.current as HTMLElement | null
        if (back && typeof back.focus === 'function' && back.isConnected) back.focus()
      }}
    >
      <div className="dialog__head">
        <h2 id="shortcuts-title" className="dialog__title">
          Keyboard shortcuts
        </h2>
        <button type="button" className="button button--small button--ghost" onClick={() => dispatch(shortcutsToggled(false))}>
          Close
        </button>
      </div>
      <table className="shortcuts-table">
        <tbody>
          {GLOBAL_SHORTCUTS.map((s) => (
            <tr key={s.id}>
              <td>
                <kbd>{describeShortcut(s)}</kbd>
              </td>
              <td>{s.what}</td>
            </tr>
          ))}
          {LOCAL_SHORTCUTS.map((s) => (
            <tr key={s.keys}>
              <td>
                <kbd>{s.keys}</kbd>
              </td>
              <td>{s.what}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </dialog>
  )
}
