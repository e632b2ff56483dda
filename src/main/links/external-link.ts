// Links from an answer open outside the app only after the user confirmed the address, and only
// here, after this check: https, a real host name, no credentials, nothing hidden in the text.
// The renderer never opens a window itself (in Electron it cannot); the headless host's browser
// opens the checked address in a new tab with noopener.
import type { RequestOutput } from '../../shared/contract'

export type ExternalLinkResult = RequestOutput<'app.openExternal'>

/** Characters that could make the address shown differ from the address opened. */
const HIDDEN = /[\u0000-\u001f\u007f-\u009f\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/u

export function checkExternalUrl(raw: string): { ok: true; url: string } | { ok: false; reason: string } {
  if (HIDDEN.test(raw)) return { ok: false, reason: 'This link contains hidden characters, so it is not opened.' }
  let url: URL
  try {
    url = new URL(raw.trim())
  } catch {
    return { ok: false, reason: 'This is not a web address that can be opened.' }
  }
  if (url.protocol !== 'https:') return { ok: false, reason: 'Only secure (https) links are opened.' }
  if (url.username || url.password) return { ok: false, reason: 'This link carries a user name or password, so it is not opened.' }
  if (!url.hostname || (!url.hostname.includes('.') && url.hostname !== 'localhost')) {
    return { ok: false, reason: 'This link does not name a web site.' }
  }
  return { ok: true, url: url.href }
}

/**
 * Checks the address, then opens it with `open` (Electron: the system browser). Without `open`
 * (the headless host, where the app already is a browser tab) it hands the checked address back
 * for the page to open in a new tab.
 */
export async function openExternalLink(raw: string, open?: (url: string) => Promise<void>): Promise<ExternalLinkResult> {
  const checked = checkExternalUrl(raw)
  if (!checked.ok) return { outcome: 'refused', reason: checked.reason }
  if (!open) return { outcome: 'open_in_browser', url: checked.url }
  try {
    await open(checked.url)
    return { outcome: 'opened' }
  } catch {
    return { outcome: 'refused', reason: 'Your system could not open this link.' }
  }
}
