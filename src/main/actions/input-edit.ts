// What a person changed in a proposal before approving it, in words: kept on the new card's
// record and told to the model with the outcome, so it knows what actually ran.
import { canonicalJson } from './hash'

function shown(value: unknown): string {
  if (typeof value === 'string') return value.length > 80 ? `"${value.slice(0, 77)}…"` : `"${value}"`
  if (Array.isArray(value)) return value.map(shown).join(', ')
  return canonicalJson(value)
}

/** '' when nothing differs. Fields are named by their path, e.g. "subject", "fields.amount". */
export function describeInputEdit(before: unknown, after: unknown, path = ''): string {
  if (canonicalJson(before) === canonicalJson(after)) return ''
  const isObject = (v: unknown): v is Record<string, unknown> => Boolean(v) && typeof v === 'object' && !Array.isArray(v)
  if (isObject(before) && isObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort()
    return keys
      .map((k) => describeInputEdit(before[k], after[k], path ? `${path}.${k}` : k))
      .filter(Boolean)
      .join('; ')
  }
  const name = path || 'the input'
  if (before === undefined) return `${name} set to ${shown(after)}`
  if (after === undefined) return `${name} removed (was ${shown(before)})`
  return `${name} changed from ${shown(before)} to ${shown(after)}`
}
