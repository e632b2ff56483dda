// Approval binds to what was shown: sha256 over the ability, its canonical input, the version of
// the record it was proposed against, and the card itself, which holds every value the effect
// uses (resolved recipients and their addresses, subject, body, field values, consequences).
// At execution the card is built again from current data; a different hash voids the approval.
import { createHash } from 'node:crypto'

/** JSON with object keys sorted at every depth, so equal inputs always hash the same. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value))
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys)
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {}
    for (const key of Object.keys(value as object).sort()) {
      const v = (value as Record<string, unknown>)[key]
      if (v !== undefined) out[key] = sortKeys(v)
    }
    return out
  }
  return value
}

export function actionHash(ability: string, input: unknown, recordVersion: string | null, card: unknown): string {
  return createHash('sha256')
    .update(canonicalJson({ ability, input, recordVersion, card }))
    .digest('hex')
}
