import { useEffect, useState } from 'react'
import { copyText } from '../clipboard'

/** "Copy" that says "Copied" for a moment (and says so to screen readers), or why it could not. */
export function CopyButton({ text, label = 'Copy', what }: { text: () => string; label?: string; what: string }) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle')
  useEffect(() => {
    if (state === 'idle') return
    const timer = setTimeout(() => setState('idle'), 2000)
    return () => clearTimeout(timer)
  }, [state])
  return (
    <button
      type="button"
      className="button button--small button--ghost copy-button"
      data-testid="copy-button"
      aria-label={state === 'idle' ? `Copy ${what}` : undefined}
      onClick={async () => {
        try {
          await copyText(text())
          setState('copied')
        } catch {
          setState('failed')
        }
      }}
    >
      <span aria-live="polite">{state === 'copied' ? 'Copied' : state === 'failed' ? 'Could not copy' : label}</span>
    </button>
  )
}
