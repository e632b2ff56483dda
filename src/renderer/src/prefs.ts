// The renderer's own remembered choices (look and feel only, nothing main decides), kept in the
// page's local storage. Reading never throws: a blocked or garbled storage means the defaults.
export type Theme = 'system' | 'light' | 'dark'
export type InboxSort = 'time_left' | 'newest'

export type Prefs = { theme: Theme; demoBannerHidden: boolean; inboxSort: InboxSort }

export const DEFAULT_PREFS: Prefs = { theme: 'system', demoBannerHidden: false, inboxSort: 'time_left' }
const KEY = 'countersign.prefs'

export function loadPrefs(storage: Pick<Storage, 'getItem'> | undefined = globalThis.localStorage): Prefs {
  try {
    const raw = storage?.getItem(KEY)
    if (!raw) return { ...DEFAULT_PREFS }
    const parsed = JSON.parse(raw) as Partial<Prefs>
    return {
      theme: parsed.theme === 'light' || parsed.theme === 'dark' ? parsed.theme : 'system',
      demoBannerHidden: parsed.demoBannerHidden === true,
      inboxSort: parsed.inboxSort === 'newest' ? 'newest' : 'time_left'
    }
  } catch {
    return { ...DEFAULT_PREFS }
  }
}

export function savePrefs(prefs: Prefs, storage: Pick<Storage, 'setItem'> | undefined = globalThis.localStorage): void {
  try {
    storage?.setItem(KEY, JSON.stringify(prefs))
  } catch {
    // Storage full or blocked: the choice holds for this session only.
  }
}
