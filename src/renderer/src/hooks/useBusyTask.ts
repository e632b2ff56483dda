import { useState } from 'react'
import { errorMessage } from '../api/errors'

/** Runs one labelled task at a time for a form: which one is busy, and the last error to show. */
export function useBusyTask() {
  const [busy, setBusy] = useState<string | null>(null)
  const [error, setError] = useState<string | null>(null)
  async function run(key: string, task: () => Promise<unknown>): Promise<void> {
    setBusy(key)
    setError(null)
    try {
      await task()
    } catch (e) {
      setError(errorMessage(e))
    } finally {
      setBusy(null)
    }
  }
  return { busy, error, setError, run }
}
