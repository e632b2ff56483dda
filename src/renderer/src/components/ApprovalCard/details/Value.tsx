/** A value from the card, always plain text; an empty one says so. */
export function Value({ text, empty = '(empty)' }: { text: string; empty?: string }) {
  return text && text !== '—' ? <>{text}</> : <span className="empty-value">{empty}</span>
}
