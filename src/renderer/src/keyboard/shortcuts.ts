// The app's keyboard shortcuts, in one table: the hook that handles them and the sheet that lists
// them both read it, so the sheet cannot drift from what the keys do.
export type ShortcutId = 'newConversation' | 'inbox' | 'settings' | 'search' | 'shortcuts' | 'toggleSidebar'

export type Shortcut = { id: ShortcutId; key: string; shift: boolean; what: string }

/** With Ctrl (Windows, Linux) or ⌘ (macOS). */
export const GLOBAL_SHORTCUTS: readonly Shortcut[] = [
  { id: 'newConversation', key: 'o', shift: true, what: 'New conversation' },
  { id: 'inbox', key: 'e', shift: true, what: 'Open the inbox' },
  { id: 'settings', key: ',', shift: false, what: 'Open Settings' },
  { id: 'search', key: 'k', shift: false, what: 'Search conversations' },
  { id: 'toggleSidebar', key: 'b', shift: true, what: 'Show or hide the sidebar' },
  { id: 'shortcuts', key: '/', shift: false, what: 'Show keyboard shortcuts' }
]

/** Keys that act on what has focus, without Ctrl or ⌘. */
export const LOCAL_SHORTCUTS: readonly { keys: string; what: string }[] = [
  { keys: 'A', what: 'Approve the focused card' },
  { keys: 'D', what: 'Decline the focused card (asks for an optional reason)' },
  { keys: 'Esc', what: 'Stop the answer being written, or close a form or dialog' },
  { keys: '↑ ↓', what: 'Move through conversations and the inbox' },
  { keys: 'Enter', what: 'Open the focused conversation, or expand an inbox row' },
  { keys: '?', what: 'Show keyboard shortcuts' }
]

export function isMac(): boolean {
  return typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform || navigator.userAgent)
}

export function describeShortcut(s: Shortcut, mac = isMac()): string {
  const key = s.key === ',' ? ',' : s.key.toUpperCase()
  return mac ? `⌘${s.shift ? '⇧' : ''}${key}` : `Ctrl+${s.shift ? 'Shift+' : ''}${key}`
}

/** Which global shortcut a key press is, if any. */
export function matchShortcut(e: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'shiftKey' | 'altKey'>, mac = isMac()): ShortcutId | null {
  const mod = mac ? e.metaKey : e.ctrlKey
  if (!mod || e.altKey) return null
  const key = e.key.toLowerCase()
  for (const s of GLOBAL_SHORTCUTS) {
    // Shift changes what some keys produce ("/" → "?"): match either.
    if (s.shift === e.shiftKey && key === s.key) return s.id
    if (s.key === '/' && (key === '/' || key === '?')) return s.id
  }
  return null
}

export function isTypingTarget(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null
  if (!el || !el.tagName) return false
  return el.tagName === 'TEXTAREA' || el.tagName === 'INPUT' || el.tagName === 'SELECT' || el.isContentEditable === true
}

/** Arrow keys in a list: moves focus to the previous/next/first/last item matching `selector`. */
export function moveFocusInList(container: HTMLElement, current: Element | null, key: string, selector: string): boolean {
  const items = [...container.querySelectorAll<HTMLElement>(selector)]
  if (items.length === 0) return false
  const index = current ? items.indexOf(current as HTMLElement) : -1
  let next: number
  if (key === 'ArrowDown') next = index < 0 ? 0 : Math.min(items.length - 1, index + 1)
  else if (key === 'ArrowUp') next = index < 0 ? 0 : Math.max(0, index - 1)
  else if (key === 'Home') next = 0
  else if (key === 'End') next = items.length - 1
  else return false
  items[next].focus()
  return true
}
