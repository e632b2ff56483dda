// The organisation policy in Tryton: the `countersign.policy` singleton of the Countersign module
// (tryton/modules/countersign), read with the signed-in user's own session. Every user may read
// it; only "Countersign Administration" may change it, in Tryton's own client. A server without
// the module has no organisation policy.
import { CrmError, type OrganisationPolicyRead } from '../types'

type Call = (method: string, params: unknown[]) => Promise<unknown>

export const POLICY_MODEL = 'countersign.policy'

export async function readTrytonPolicy(call: Call, context: Record<string, unknown>): Promise<OrganisationPolicyRead> {
  let rows: unknown
  try {
    rows = await call(`model.${POLICY_MODEL}.read`, [[1], ['document', 'write_date', 'write_uid.rec_name'], context])
  } catch (e) {
    // Tryton answers a call to a model it does not know with the bare KeyError.
    if (e instanceof CrmError && e.code === 'invalid' && e.message.includes(`'${POLICY_MODEL}'`)) {
      return { status: 'none', detail: 'This Tryton server does not have the Countersign module, so it sets no organisation policy.' }
    }
    throw e
  }
  const row = Array.isArray(rows) ? (rows[0] as Record<string, unknown> | undefined) : undefined
  if (!row) return { status: 'none', detail: 'The Countersign policy in Tryton is empty.' }
  let document: unknown
  try {
    document = JSON.parse(String(row.document ?? ''))
  } catch (e) {
    return { status: 'error', detail: `The Countersign policy in Tryton is not valid JSON (${(e as Error).message}).` }
  }
  const writer = row['write_uid.'] as { rec_name?: unknown } | undefined
  return {
    status: 'found',
    document,
    updatedBy: typeof writer?.rec_name === 'string' ? writer.rec_name : null,
    updatedAt: writeDate(row.write_date),
    canEdit: false,
    editedIn: 'Tryton: Administration → Countersign Policy (members of "Countersign Administration")'
  }
}

function writeDate(value: unknown): string | null {
  if (typeof value === 'string') return value
  const d = value as { year?: number; month?: number; day?: number; hour?: number; minute?: number } | null
  if (!d || typeof d.year !== 'number') return null
  const pad = (n: number | undefined) => String(n ?? 0).padStart(2, '0')
  return `${d.year}-${pad(d.month)}-${pad(d.day)}T${pad(d.hour)}:${pad(d.minute)}:00Z`
}
