import { CrmError } from '../../src/main/crm/types'

/** Awaits a promise expected to fail with a CrmError and returns it. */
export async function crmError(p: Promise<unknown>): Promise<CrmError> {
  try {
    await p
  } catch (e) {
    if (e instanceof CrmError) return e
    throw e
  }
  throw new Error('expected a CrmError, but the call succeeded')
}
