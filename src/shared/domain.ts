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
  userId: z.string(),
  userName: z.string(),
  createdAt: z.number(),
  expiresAt: z.number(),
  decidedAt: z.number().nullable(),
  declineReason: z.string().nullable(),
  resultSummary: z.string().nullable(),
  error: z.string().nullable(),
  /** When the action was superseded, the id of the fresh one shown instead. */
  supersededBy: z.string().nullable()
})
export type ActionView = z.infer<typeof actionViewSchema>

export const toolStatusSchema = z.enum(['running', 'done', 'error', 'waiting', 'declined', 'cancelled'])

/** One item in a conversation as the user sees it. */
export const entrySchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('user'), id: z.string(), at: z.number(), text: z.string() }),
  z.object({
    kind: z.literal('assistant'),
    id: z.string(),
    at: z.number(),
    text: z.string(),
    streaming: z.boolean()
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
    retryable: z.boolean()
  })
])
export type Entry = z.infer<typeof entrySchema>

export const conversationStatusSchema = z.enum(['idle', 'running', 'waiting', 'error'])
export type ConversationStatus = z.infer<typeof conversationStatusSchema>

export const conversationSummarySchema = z.object({
  id: z.string(),
  title: z.string(),
  userId: z.string(),
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

export const sessionUserSchema = z.object({
  id: z.string(),
  name: z.string(),
  login: z.string(),
  groups: z.array(z.string())
})
export type SessionUser = z.infer<typeof sessionUserSchema>

export const accountSchema = z.object({
  id: z.string(),
  kind: z.enum(['sample', 'tryton']),
  label: z.string(),
  login: z.string(),
  serverUrl: z.string().nullable(),
  database: z.string().nullable()
})
export type Account = z.infer<typeof accountSchema>

export const providerKindSchema = z.enum(['demo', 'openai', 'anthropic', 'openai-compatible'])
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
  ready: z.boolean()
})
export type ProviderView = z.infer<typeof providerViewSchema>

export const consentTextSchema = z.object({
  wordingVersion: z.string(),
  providerName: z.string(),
  endpointHost: z.string(),
  local: z.boolean(),
  whatIsSent: z.array(z.string()),
  termsUrl: z.string().nullable()
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
  user: sessionUserSchema.nullable(),
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
