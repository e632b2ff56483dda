// Domain types shared by main and renderer. Runtime schemas live in ./schemas.ts;
// these types are inferred from them so the two can never drift apart.
import { z } from 'zod'
import { organisationViewSchema } from './org-policy'

export const effectSchema = z.enum(['read', 'write'])
export type Effect = z.infer<typeof effectSchema>

/** Every state an action can be in. The allowed moves between them live in main's ledger. */
export const actionStateSchema = z.enum([
  'proposed',
  'pending',
  'approved',
  'executing',
  'succeeded',
  'failed',
  'outcome_unknown',
  'declined',
  'expired',
  'superseded',
  'cancelled'
])
export type ActionState = z.infer<typeof actionStateSchema>

export const TERMINAL_STATES: readonly ActionState[] = [
  'succeeded',
  'failed',
  'declined',
  'expired',
  'superseded',
  'cancelled'
]

/** A value as shown on a card; always plain text so nothing renders as markup. */
const shown = z.string()

export const recordRefSchema = z.object({
  type: z.string(),
  id: z.string(),
  label: z.string()
})
export type RecordRef = z.infer<typeof recordRefSchema>

/** Structured detail of what a write will do, rendered on the approval card. */
export const cardDetailSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('update'),
    record: recordRefSchema,
    changes: z.array(z.object({ field: z.string(), label: z.string(), before: shown, after: shown }))
  }),
  z.object({
    kind: z.literal('create'),
    recordType: z.string(),
    fields: z.array(z.object({ field: z.string(), label: z.string(), value: shown }))
  }),
  z.object({
    kind: z.literal('message'),
    about: recordRefSchema.nullable(),
    to: z.array(z.object({ name: z.string(), address: z.string() })),
    subject: z.string(),
    body: z.string()
  }),
  z.object({
    /** A read the user asked to confirm every time. */
    kind: z.literal('read'),
    inputs: z.array(z.object({ label: z.string(), value: shown }))
  }),
  z.object({
    kind: z.literal('automation'),
    automation: recordRefSchema,
    description: z.string(),
    switchTo: z.enum(['on', 'off']),
    consequence: z.string()
  })
])
export type CardDetail = z.infer<typeof cardDetailSchema>

export const actionCardSchema = z.object({
  summary: z.string(),
  detail: cardDetailSchema
})
export type ActionCard = z.infer<typeof actionCardSchema>

/** What the renderer is shown of a ledger entry. Holds no secret. */
export const actionViewSchema = z.object({
  id: z.string(),
  conversationId: z.string(),
  toolCallId: z.string(),
  ability: z.string(),
  abilityTitle: z.string(),
  hash: z.string(),
  state: actionStateSchema,
  card: actionCardSchema,
  principal: z.string(),
  userName: z.string(),
  createdAt: z.number(),
  expiresAt: z.number(),
  decidedAt: z.number().nullable(),
  declineReason: z.string().nullable(),
  resultSummary: z.string().nullable(),
  error: z.string().nullable(),
  /** When the action was superseded, the id of the fresh one shown instead. */
  supersededBy: z.string().nullable(),
  /** What the assistant proposed, as it will run: the card's edit form starts from it. */
  input: z.unknown().optional(),
  /** When the person edited the proposal before approving, what they changed. */
  userEdit: z.string().nullable().optional()
})
export type ActionView = z.infer<typeof actionViewSchema>

export const toolStatusSchema = z.enum(['running', 'done', 'error', 'waiting', 'declined', 'cancelled'])

/** Tokens as a provider's stream reports them. */
export const tokenUsageSchema = z.object({
  inputTokens: z.number().int().nonnegative(),
  outputTokens: z.number().int().nonnegative()
})
export type TokenUsage = z.infer<typeof tokenUsageSchema>

/** One item in a conversation as the user sees it. */
export const entrySchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('user'), id: z.string(), at: z.number(), text: z.string() }),
  z.object({
    kind: z.literal('assistant'),
    id: z.string(),
    at: z.number(),
    text: z.string(),
    streaming: z.boolean(),
    /** Tokens this answer used, as the provider's stream reported them (absent when it did not). */
    usage: tokenUsageSchema.optional(),
    /**
     * Set when the user pressed Stop during this answer: 'unused' — the partial text is shown but
     * not sent back to the model as its own words; 'kept' — the user chose to keep it.
     */
    stopped: z.enum(['unused', 'kept']).optional()
  }),
  z.object({
    kind: z.literal('tool'),
    id: z.string(),
    at: z.number(),
    toolCallId: z.string(),
    ability: z.string(),
    title: z.string(),
    effect: effectSchema.nullable(),
    inputText: z.string(),
    status: toolStatusSchema,
    resultText: z.string().nullable(),
    actionId: z.string().nullable()
  }),
  z.object({
    kind: z.literal('notice'),
    id: z.string(),
    at: z.number(),
    level: z.enum(['info', 'error']),
    text: z.string(),
    retryable: z.boolean(),
    /** The provider asked to wait this long before retrying (counted from `at`). */
    retryAfterSeconds: z.number().nonnegative().optional()
  })
])
export type Entry = z.infer<typeof entrySchema>

export const conversationStatusSchema = z.enum(['idle', 'running', 'waiting', 'error'])
export type ConversationStatus = z.infer<typeof conversationStatusSchema>

export const conversationSummarySchema = z.object({
  id: z.string(),
  title: z.string(),
  principal: z.string(),
  createdAt: z.number(),
  updatedAt: z.number(),
  status: conversationStatusSchema
})
export type ConversationSummary = z.infer<typeof conversationSummarySchema>

export const conversationSchema = conversationSummarySchema.extend({ entries: z.array(entrySchema) })
export type ConversationView = z.infer<typeof conversationSchema>

export const abilityInfoSchema = z.object({
  name: z.string(),
  title: z.string(),
  effect: effectSchema,
  /** Told to the model. */
  description: z.string(),
  /** Shown to people, e.g. in Settings. */
  summary: z.string()
})
export type AbilityInfo = z.infer<typeof abilityInfoSchema>

/** A user's own choice per ability. 'default' means: reads run, writes ask. */
export const confirmationSettingSchema = z.enum(['default', 'always', 'never'])
export type ConfirmationSetting = z.infer<typeof confirmationSettingSchema>

export const decisionSchema = z.enum(['allow', 'ask', 'deny'])
export type Decision = z.infer<typeof decisionSchema>

export const policyRowSchema = z.object({
  ability: abilityInfoSchema,
  setting: confirmationSettingSchema,
  /** What the gate decides with the current settings, and why. */
  decision: decisionSchema,
  reason: z.string(),
  /** Set when an administrator's rule fixes this ability and the user cannot loosen it. */
  lockedBy: z.string().nullable(),
  /** True when an administrator switched this ability off: it is not offered and never runs. */
  off: z.boolean().optional(),
  /** False when choosing "Never ask" would loosen what an administrator allows. */
  mayTurnOff: z.boolean().optional()
})
export type PolicyRow = z.infer<typeof policyRowSchema>

/** The CRM's own view of a signed-in user: `id` is the CRM's user id, unique only on its database. */
export const sessionUserSchema = z.object({
  id: z.string(),
  name: z.string(),
  login: z.string(),
  groups: z.array(z.string())
})
export type SessionUser = z.infer<typeof sessionUserSchema>

/**
 * Who someone is to Countersign: never a bare CRM user id (two databases on one server both have a
 * user 1). Every store, lock, event and audit entry is keyed by `principalKey(principal)`.
 */
export const principalSchema = z.object({
  crm: z.enum(['sample', 'tryton']),
  /** scheme://host[:port] of the CRM server, never with credentials; `sample:` for the embedded workspace. */
  origin: z.string(),
  database: z.string(),
  userId: z.string()
})
export type Principal = z.infer<typeof principalSchema>

/** A stable, unambiguous key: each part is percent-encoded, so no part can contain the separator. */
export function principalKey(p: Principal): string {
  return [p.crm, p.origin, p.database, p.userId].map(encodeURIComponent).join('|')
}

export function parsePrincipalKey(key: string): Principal | null {
  const parts = key.split('|')
  if (parts.length !== 4) return null
  try {
    const [crm, origin, database, userId] = parts.map(decodeURIComponent)
    const parsed = principalSchema.safeParse({ crm, origin, database, userId })
    return parsed.success ? parsed.data : null
  } catch {
    return null
  }
}

/** The signed-in person as the app knows them: the CRM's user plus the principal key. */
export const signedInUserSchema = sessionUserSchema.extend({ principal: z.string() })
export type SignedInUser = z.infer<typeof signedInUserSchema>

export const accountSchema = z.object({
  id: z.string(),
  kind: z.enum(['sample', 'tryton']),
  label: z.string(),
  login: z.string(),
  serverUrl: z.string().nullable(),
  database: z.string().nullable(),
  /** The principal this account signs in as, recorded at its first sign-in (principalKey). */
  principal: z.string().optional()
})
export type Account = z.infer<typeof accountSchema>

export const providerKindSchema = z.enum(['demo', 'openai', 'anthropic', 'openai-compatible', 'deepseek'])
export type ProviderKind = z.infer<typeof providerKindSchema>

export const consentRecordSchema = z.object({
  userId: z.string(),
  at: z.number(),
  provider: providerKindSchema,
  providerName: z.string(),
  endpointHost: z.string(),
  wordingVersion: z.string()
})
export type ConsentRecord = z.infer<typeof consentRecordSchema>

export const reasoningEffortSchema = z.enum(['low', 'medium', 'high'])

/** Generation settings a profile may set; unset means the provider's default. */
export const generationSettingsSchema = z
  .object({
    temperature: z.number().min(0).max(2).optional(),
    maxOutputTokens: z.number().int().min(1).max(200_000).optional(),
    reasoningEffort: reasoningEffortSchema.optional()
  })
  .strict()
export type GenerationSettings = z.infer<typeof generationSettingsSchema>

/** A saved provider profile (kind, endpoint, model and options), as the renderer sees it. No secret. */
export const providerProfileViewSchema = z.object({
  id: z.string(),
  label: z.string(),
  kind: providerKindSchema,
  name: z.string(),
  model: z.string(),
  baseURL: z.string().nullable(),
  endpointHost: z.string().nullable(),
  api: z.enum(['chat', 'responses']).nullable(),
  hasApiKey: z.boolean(),
  /** Names only: header values may carry tokens and live in the keychain. */
  headerNames: z.array(z.string()),
  organization: z.string().nullable(),
  project: z.string().nullable(),
  /** OpenAI Responses: let OpenAI store responses (off by default; the history is sent each time). */
  openaiStore: z.boolean(),
  generation: generationSettingsSchema,
  local: z.boolean(),
  consent: consentRecordSchema.nullable(),
  ready: z.boolean(),
  active: z.boolean()
})
export type ProviderProfileView = z.infer<typeof providerProfileViewSchema>

export const providerViewSchema = z.object({
  kind: providerKindSchema,
  name: z.string(),
  model: z.string(),
  baseURL: z.string().nullable(),
  endpointHost: z.string().nullable(),
  hasApiKey: z.boolean(),
  local: z.boolean(),
  consent: consentRecordSchema.nullable(),
  /** True when the current provider may be used: the demo, or a real one with consent on record. */
  ready: z.boolean(),
  /** The profile in use (null: the demo). */
  activeProfileId: z.string().nullable().optional(),
  /** Every saved profile, with this user's consent state. */
  profiles: z.array(providerProfileViewSchema).optional(),
  /** A choice held aside until this user agrees (nothing of it is in use or stored yet). */
  pending: z.lazy(() => consentTextSchema).nullable().optional()
})
export type ProviderView = z.infer<typeof providerViewSchema>

export const consentTextSchema = z.object({
  wordingVersion: z.string(),
  providerName: z.string(),
  endpointHost: z.string(),
  local: z.boolean(),
  whatIsSent: z.array(z.string()),
  termsUrl: z.string().nullable(),
  /** Who receives the data, in words: a provider, "this computer", or an unknown operator of a host. */
  receiver: z.string().optional(),
  /** False when Countersign cannot tell who operates the endpoint (a gateway or custom base URL). */
  operatorKnown: z.boolean().optional()
})
export type ConsentText = z.infer<typeof consentTextSchema>

export const settingsViewSchema = z.object({
  expiryHours: z.number(),
  policy: z.array(policyRowSchema),
  /** The administrators' policies in force and where they come from. */
  organisation: organisationViewSchema.optional()
})
export type SettingsView = z.infer<typeof settingsViewSchema>

export const appStateSchema = z.object({
  user: signedInUserSchema.nullable(),
  account: accountSchema.nullable(),
  accounts: z.array(accountSchema),
  sampleUsers: z.array(z.object({ login: z.string(), name: z.string(), role: z.string() })),
  /** Why the CRM session is unavailable (server down, keychain locked, …), when it is. */
  sessionProblem: z.string().nullable(),
  provider: providerViewSchema,
  allowed: z.boolean(),
  accessReason: z.string().nullable(),
  organisation: z
    .object({
      /** Policy sources that could not be used: everything asks until they are fixed. */
      problems: z.array(z.object({ source: z.string(), location: z.string(), error: z.string() })),
      /** The signed-in user administers the organisation policy from Countersign. */
      administrator: z.boolean()
    })
    .optional()
})
export type AppState = z.infer<typeof appStateSchema>
