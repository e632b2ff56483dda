import { useState } from 'react'
import type { Theme } from '../prefs'
import { useAppDispatch, useAppSelector } from '../store/hooks'
import { demoBannerHiddenChanged, themeChosen } from '../store/uiSlice'

const THEMES: { value: Theme; label: string }[] = [
  { value: 'system', label: 'Same as my system' },
  { value: 'light', label: 'Light' },
  { value: 'dark', label: 'Dark' }
]

/** Look and feel, remembered in this window's storage: theme, the demo banner, browser notifications. */
export function AppearanceSettings({ demo }: { demo: boolean }) {
  const dispatch = useAppDispatch()
  const theme = useAppSelector((s) => s.ui.theme)
  const demoHidden = useAppSelector((s) => s.ui.demoBannerHidden)
  return (
    <div className="appearance">
      <fieldset className="fieldset">
        <legend className="field__label">Theme</legend>
        <div className="radio-row">
          {THEMES.map((t) => (
            <label key={t.value} className="radio">
              <input
                type="radio"
                name="theme"
                value={t.value}
                data-testid={`theme-${t.value}`}
                checked={theme === t.value}
                onChange={() => dispatch(themeChosen(t.value))}
              />
              {t.label}
            </label>
          ))}
        </div>
      </fieldset>
      {demo && (
        <label className="checkbox checkbox--plain">
          <input
            type="checkbox"
            data-testid="demo-banner-shown"
            checked={!demoHidden}
            onChange={(e) => dispatch(demoBannerHiddenChanged(!e.target.checked))}
          />
          Show the demo banner with example requests
        </label>
      )}
      <BrowserNotifications />
    </div>
  )
}

/** Only in a browser tab (the headless host): the desktop app uses the system's notifications. */
function BrowserNotifications() {
  const inBrowser = typeof window !== 'undefined' && !window.countersign && typeof Notification !== 'undefined'
  const [permission, setPermission] = useState(() => (inBrowser ? Notification.permission : 'default'))
  if (!inBrowser) return null
  return (
    <div className="notify-setting" data-testid="browser-notifications">
      <p className="field__label">Notifications in this browser</p>
      {permission === 'granted' ? (
        <p className="muted" data-testid="notifications-on">
          On: when this tab is in the background, a waiting action shows a notification.
        </p>
      ) : permission === 'denied' ? (
        <p className="muted">Blocked by the browser. Allow notifications for this page in the browser’s site settings to turn them on.</p>
      ) : (
        <button
          type="button"
          className="button button--small"
          data-testid="notifications-enable"
          onClick={async () => setPermission(await Notification.requestPermission())}
        >
          Turn on notifications
        </button>
      )}
    </div>
  )
}
