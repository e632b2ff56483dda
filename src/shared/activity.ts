// What the Activity screen shows and asks for: requests with what the assistant read and wrote,
// the outcome of every write, tokens and cost; the state of the audit chain; the price table.
import { z } from 'zod'
import { actionStateSchema, effectSchema, recordRefSchema } from './domain'

/** A record the assistant read or touched: the same reference a card uses. */
export const recordMentionSchema = recordRefSchema
export type RecordMentionView = z.infer<typeof recordMentionSchema>

/** Outcomes a filter can pick: a write's state, a refused call, or how the answer ended. */
export const activityOutcomeSchema = z.enum([...actionStateSchema.exclude(['proposed']).options, 'refused', 'answered', 'error', 'stopped'])
export type ActivityOutcome = z.infer<typeof activityOutcomeSchema>

export const activityReadSchema = z.object({
  toolCallId: z.string(),
  at: z.number(),
  ability: z.string(),
  effect: effectSchema.nullable(),
  outcome: z.enum(['returned', 'refused']),
  summary: z.string().nullable(),
  detail: z.string().nullable(),
  records: z.array(recordMentionSchema),
  moreRecords: z.number()
})
export type ActivityRead = z.infer<typeof activityReadSchema>

export const activityWriteSchema = z.object({
  actionId: z.string(),
  toolCallId: z.string().nullable(),
  at: z.number(),
  ability: z.string(),
  summary: z.string().nullable(),
  records: z.array(recordMentionSchema),
  outcome: actionStateSchema,
  /** Who decided and when (approve or decline), when someone did. */
  decidedBy: z.string().nullable(),
  decidedAt: z.number().nullable(),
  declineReason: z.string().nullable(),
  /** The CRM's result, or its reason for failing. */
  result: z.string().nullable(),
  /** How an unknown outcome was settled ("marked done", "run again", "reconciled"). */
  settled: z.string().nullable(),
  history: z.array(z.object({ at: z.number(), event: z.string(), outcome: z.string(), detail: z.string().nullable() }))
})
export type ActivityWrite = z.infer<typeof activityWriteSchema>

export const activityItemSchema = z.object({
  id: z.string(),
  at: z.number(),
  kind: z.enum(['request', 'action']),
  conversationId: z.string().nullable(),
  conversationTitle: z.string().nullable(),
  question: z.string().nullable(),
  answer: z.string().nullable(),
  status: z.enum(['answered', 'waiting', 'error', 'stopped', 'running']),
  providers: z.array(z.object({ provider: z.string(), model: z.string() })),
  /** null when the provider reported no usage for any step. */
  inputTokens: z.number().nullable(),
  outputTokens: z.number().nullable(),
  /** In US dollars; null when no step had both usage and a price. */
  costUsd: z.number().nullable(),
  /** Steps whose cost is not in costUsd: no price for the model, or no usage reported. */
  unpricedSteps: z.number(),
  reads: z.array(activityReadSchema),
  writes: z.array(activityWriteSchema)
})
export type ActivityItem = z.infer<typeof activityItemSchema>

const text = z.string().max(500)
export const activityFiltersSchema = z
  .object({
    outcome: activityOutcomeSchema.optional(),
    ability: z.string().max(100).optional(),
    /** "type:id", e.g. "account:12". */
    record: z.string().max(300).optional(),
    conversationId: z.string().max(200).optional(),
    /** Milliseconds since the epoch; `to` is exclusive. */
    from: z.number().int().nonnegative().optional(),
    to: z.number().int().nonnegative().optional(),
    text: text.optional()
  })
  .strict()
export type ActivityFilters = z.infer<typeof activityFiltersSchema>

export const usageTotalsSchema = z.object({
  requests: z.number(),
  inputTokens: z.number(),
  outputTokens: z.number(),
  costUsd: z.number(),
  unpricedSteps: z.number()
})
export type UsageTotals = z.infer<typeof usageTotalsSchema>

export const activityPageSchema = z.object({
  items: z.array(activityItemSchema),
  /** Pass back to get the next (older) page; null on the last page. */
  nextCursor: z.string().nullable(),
  /** Over everything the filters match, not only this page. */
  total: usageTotalsSchema,
  months: z.array(usageTotalsSchema.extend({ month: z.string() }))
})
export type ActivityPage = z.infer<typeof activityPageSchema>

export const chainReportSchema = z.object({
  ok: z.boolean(),
  entries: z.number(),
  unchained: z.number(),
  chainedSince: z.number().nullable(),
  setAside: z.number(),
  continuesFrom: z.object({ file: z.string(), hash: z.string() }).nullable(),
  firstBreak: z
    .object({ line: z.number(), seq: z.number().nullable(), at: z.number().nullable(), reason: z.string(), message: z.string() })
    .nullable()
})
export type ChainReportView = z.infer<typeof chainReportSchema>

export const priceRowSchema = z.object({
  providerKind: z.string(),
  model: z.string(),
  /** US dollars per million tokens. */
  inputPerMillion: z.number(),
  outputPerMillion: z.number(),
  source: z.enum(['default', 'yours', 'organisation']),
  /** Where a default comes from and when it was taken. */
  note: z.string().nullable()
})
export type PriceRow = z.infer<typeof priceRowSchema>

export const activitySettingsSchema = z.object({
  prices: z.array(priceRowSchema),
  retentionDays: z.number()
})
export type ActivitySettingsView = z.infer<typeof activitySettingsSchema>

const money = z.number().min(0).max(10_000)
export const setPriceInputSchema = z
  .object({
    providerKind: z.string().min(1).max(100),
    model: z.string().min(1).max(200),
    inputPerMillion: money,
    outputPerMillion: money
  })
  .strict()
