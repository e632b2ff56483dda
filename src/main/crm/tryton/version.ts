// The Tryton versions this connector has been tested against. Another series may name models,
// fields or messages differently, so it is refused at sign-in rather than half-working.
import { CrmError } from '../types'

/** Tryton series (major.minor) the connector's tests run against. */
export const SUPPORTED_SERIES = ['6.0']

export function checkServerVersion(version: string): void {
  const series = /^(\d+)\.(\d+)(?:\.|$)/.exec(version.trim())
  if (series && SUPPORTED_SERIES.includes(`${series[1]}.${series[2]}`)) return
  throw new CrmError(
    'invalid',
    `This Tryton server runs version ${version.slice(0, 40) || 'unknown'}, which Countersign has not been tested with. ` +
      `Supported: Tryton ${SUPPORTED_SERIES.join(', ')}.`
  )
}
