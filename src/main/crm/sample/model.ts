// The sample workspace's stored shape: one JSON file holding the data, the users and their
// permissions, the outbox, and the log of applied writes. Everything a write changes lives in
// this one file, so saving it atomically makes a write and its log entry one durable step.
import { z } from 'zod'
import { RECORD_TYPES, type CrmSchema, type FieldValue, type RecordType, type WriteResult } from '../types'

export const WORKSPACE_FORMAT = 'countersign-sample-workspace'
export const WORKSPACE_FORMAT_VERSION = 1

export const DEAL_STAGES = ['prospecting', 'qualification', 'proposal', 'negotiation', 'won', 'lost'] as const

/** What the sample workspace holds: every stage can be set from any stage. */
export const SAMPLE_SCHEMA: CrmSchema = {
  name: 'The sample workspace',
  dealStages: DEAL_STAGES.map((value) => ({ value, settable: true }))
}

/** Permission names a user can hold. `deal.all_teams` widens deal visibility beyond own and team. */
export const PERMISSIONS = [
  ...RECORD_TYPES.flatMap((t) => [`${t}.read`, `${t}.create`, `${t}.update`] as const),
  'deal.all_teams',
  'message.send',
  'automation.read',
  'automation.switch',
  /** Edits the organisation's Countersign policy (the Administration screen). */
  'organisation.admin'
] as const
export type Permission = (typeof PERMISSIONS)[number]

const fieldValueSchema = z.union([z.string(), z.number(), z.boolean(), z.null()])

const userSchema = z.object({
  id: z.string(),
  login: z.string(),
  name: z.string(),
  role: z.string(),
  team: z.string().nullable(),
  email: z.string(),
  permissions: z.array(z.string())
})
export type SampleUser = z.infer<typeof userSchema>

const storedRecordSchema = z.object({
  id: z.string(),
  revision: z.number().int().positive(),
  modifiedAt: z.string(),
  modifiedBy: z.string(),
  fields: z.record(z.string(), fieldValueSchema)
})
export interface StoredRecord {
  id: string
  revision: number
  modifiedAt: string
  modifiedBy: string
  fields: Record<string, FieldValue>
}

const automationSchema = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  active: z.boolean(),
  revision: z.number().int().positive(),
  modifiedAt: z.string(),
  modifiedBy: z.string()
})
export type StoredAutomation = z.infer<typeof automationSchema>

const recordRef = z.object({ type: z.enum(RECORD_TYPES), id: z.string() })

const outboxSchema = z.object({
  id: z.string(),
  to: z.array(z.object({ name: z.string(), address: z.string() })),
  subject: z.string(),
  body: z.string(),
  about: recordRef.nullable(),
  sentBy: z.string(),
  at: z.string(),
  idempotencyKey: z.string()
})
export type OutboxMessage = z.infer<typeof outboxSchema>

const writeResultSchema = z.object({
  summary: z.string(),
  record: z.object({ type: z.enum(RECORD_TYPES), id: z.string(), version: z.string() }).optional()
})

const appliedSchema = z.object({
  op: z.string(),
  userId: z.string(),
  fingerprint: z.string(),
  at: z.string(),
  result: writeResultSchema
})
export type AppliedWrite = z.infer<typeof appliedSchema> & { result: WriteResult }

const effectSchema = z.object({ key: z.string(), op: z.string(), userId: z.string(), at: z.string() })
export type Effect = z.infer<typeof effectSchema>

export const workspaceSchema = z.object({
  format: z.literal(WORKSPACE_FORMAT),
  formatVersion: z.literal(WORKSPACE_FORMAT_VERSION),
  /** Random per workspace: part of every version string, so a re-seeded workspace never reuses one. */
  workspaceId: z.string().min(4),
  company: z.string(),
  createdAt: z.string(),
  users: z.array(userSchema).min(1),
  records: z.object({
    account: z.array(storedRecordSchema),
    contact: z.array(storedRecordSchema),
    deal: z.array(storedRecordSchema),
    invoice: z.array(storedRecordSchema)
  }),
  automations: z.array(automationSchema),
  outbox: z.array(outboxSchema),
  applied: z.record(z.string(), appliedSchema),
  effects: z.array(effectSchema),
  nextId: z.record(z.string(), z.number().int().positive()),
  /** The organisation's Countersign policy, as its administrator saved it (checked on save). */
  organisationPolicy: z
    .object({ document: z.unknown(), updatedAt: z.string(), updatedBy: z.string() })
    .nullable()
    .optional()
})
export type WorkspaceData = z.infer<typeof workspaceSchema> & {
  records: Record<RecordType, StoredRecord[]>
  applied: Record<string, AppliedWrite>
}

export const ID_PREFIX: Record<RecordType | 'automation' | 'message', string> = {
  account: 'acc',
  contact: 'con',
  deal: 'deal',
  invoice: 'inv',
  automation: 'auto',
  message: 'msg'
}

export function versionOf(workspaceId: string, revision: number): string {
  return `${revision}-${workspaceId.slice(0, 6)}`
}
