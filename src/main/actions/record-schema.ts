// The shape of an action as stored. Every action read from disk is checked against it: one
// damaged action is set aside and reported, never a reason for the app not to start.
import { z } from 'zod'
import { actionCardSchema, actionStateSchema } from '../../shared/domain'
import { withLegacyOwner } from '../accounts/identity-migration'
import type { ActionRecord } from './ledger'

const storedActionSchema = z.object({
  id: z.string().min(1),
  conversationId: z.string().min(1),
  toolCallId: z.string(),
  ability: z.string(),
  abilityTitle: z.string(),
  input: z.unknown(),
  recordVersion: z.string().nullable(),
  hash: z.string(),
  state: actionStateSchema,
  card: actionCardSchema,
  principal: z.string().min(1),
  userName: z.string(),
  provider: z.string(),
  model: z.string(),
  createdAt: z.number(),
  expiresAt: z.number(),
  decidedAt: z.number().nullable(),
  decidedBy: z.string().nullable(),
  declineReason: z.string().nullable(),
  resultSummary: z.string().nullable(),
  error: z.string().nullable(),
  supersededBy: z.string().nullable(),
  userEdit: z.string().nullable().optional(),
  history: z.array(z.object({ state: actionStateSchema, at: z.number() }))
})

/** What can be said of an action that could not be read, for the person told about it. */
export interface DamagedAction {
  abilityTitle: string | null
  conversationId: string | null
}

export function parseStoredAction(raw: unknown): { ok: true; action: ActionRecord } | { ok: false; damaged: DamagedAction } {
  // Saved before identities were principals: held for the principal of that user id (see identity-migration.ts).
  const parsed = storedActionSchema.safeParse(withLegacyOwner(raw))
  if (parsed.success) return { ok: true, action: parsed.data as ActionRecord }
  const r = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>
  return {
    ok: false,
    damaged: {
      abilityTitle: typeof r.abilityTitle === 'string' ? r.abilityTitle : null,
      conversationId: typeof r.conversationId === 'string' ? r.conversationId : null
    }
  }
}
