import { useEffect, useState } from 'react'
import { errorMessage } from '../api/errors'
import { useAppDispatch, useAppSelector } from '../store/hooks'
import { loadConversationProfile, setConversationProfile } from '../store/thunks'

/** A conversation's own provider, among those the user agreed to (never one without consent).
 *  Shown only when there is a choice to make. */
export function ConversationProviderPicker({ conversationId }: { conversationId: string }) {
  const dispatch = useAppDispatch()
  const provider = useAppSelector((s) => s.app.state?.provider)
  const [chosen, setChosen] = useState<string | null>(null)
  const [error, setError] = useState<string | null>(null)
  const agreed = (provider?.profiles ?? []).filter((p) => p.ready)

  useEffect(() => {
    let live = true
    setChosen(null)
    dispatch(loadConversationProfile(conversationId))
      .unwrap()
      .then((id) => live && setChosen(id))
      .catch(() => undefined)
    return () => {
      live = false
    }
  }, [conversationId, dispatch])

  if (agreed.length === 0 || (agreed.length === 1 && provider?.activeProfileId === agreed[0]!.id && chosen === null)) return null
  const inUse = provider?.profiles?.find((p) => p.id === provider.activeProfileId)

  const change = async (value: string) => {
    setError(null)
    const profileId = value === '' ? null : value
    try {
      await dispatch(setConversationProfile({ conversationId, profileId })).unwrap()
      setChosen(profileId)
    } catch (e) {
      setError(errorMessage(e))
    }
  }

  return (
    <span className="conversation-provider">
      <select
        className="select select--compact"
        aria-label="AI provider for this conversation"
        data-testid="conversation-provider"
        value={chosen ?? ''}
        onChange={(e) => void change(e.target.value)}
      >
        <option value="">{inUse ? `As in Settings (${inUse.label})` : 'As in Settings (demo assistant)'}</option>
        {agreed.map((p) => (
          <option key={p.id} value={p.id}>
            {p.label}
            {p.local ? ' — on this computer' : ''}
          </option>
        ))}
        <option value="demo">Demo assistant (offline)</option>
      </select>
      {error && (
        <span className="field-error" role="alert">
          {error}
        </span>
      )}
    </span>
  )
}
