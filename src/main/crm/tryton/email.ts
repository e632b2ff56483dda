// How an email is rendered for Tryton's ir.email.send: addresses, an HTML body, and the marker
// derived from the idempotency key that lets a crash be reconciled.
import { createHash } from 'node:crypto'
import { CrmError, type Recipient } from '../types'

/** Marker written into the HTML body of each email so a crash can be reconciled. */
const MARKER_PREFIX = 'countersign-key:'

export const EMAIL_RE = /^[^\s@<>(),;:"\\[\]]+@[^\s@<>(),;:"\\[\]]+\.[^\s@<>(),;:"\\[\]]+$/

export function markerFor(idempotencyKey: string): string {
  return MARKER_PREFIX + createHash('sha256').update(idempotencyKey).digest('hex').slice(0, 32)
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string)
}

export function formatAddress(r: Recipient): string {
  if (/[\r\n]/.test(r.name) || !EMAIL_RE.test(r.address)) throw new CrmError('invalid', `Not a valid recipient: ${r.address}`)
  if (!r.name || r.name === r.address) return r.address
  return `"${r.name.replace(/["\\]/g, '\\$&')}" <${r.address}>`
}

/** The plain-text body as HTML, line breaks kept, with the reconcile marker in a comment. */
export function htmlBody(body: string, idempotencyKey: string): string {
  return (
    escapeHtml(body)
      .split(/\r?\n/)
      .join('<br/>\n') + `\n<!-- ${markerFor(idempotencyKey)} -->`
  )
}
