// The connector boundary: the only way abilities reach CRM data. A session is made from one
// user's own credentials and nothing else. No service account, admin token or fallback exists.
import type { SessionUser } from '../../shared/domain'

export const RECORD_TYPES = ['account', 'contact', 'deal', 'invoice'] as const
export type RecordType = (typeof RECORD_TYPES)[number]

export type FieldValue = string | number | boolean | null

/** The canonical fields each record type exposes, whatever the backend calls them. */
export const FIELDS: Record<RecordType, Record<string, { label: string; writable: boolean; kind: 'text' | 'number' | 'date' | 'ref' }>> = {
  account: {
    name: { label: 'Name', writable: true, kind: 'text' },
    industry: { label: 'Industry', writable: true, kind: 'text' },
    city: { label: 'City', writable: true, kind: 'text' },
    phone: { label: 'Phone', writable: true, kind: 'text' },
    email: { label: 'Email', writable: true, kind: 'text' }
  },
  contact: {
    name: { label: 'Name', writable: true, kind: 'text' },
    email: { label: 'Email', writable: true, kind: 'text' },
    phone: { label: 'Phone', writable: true, kind: 'text' },
    title: { label: 'Job title', writable: true, kind: 'text' },
    accountId: { label: 'Account', writable: true, kind: 'ref' }
  },
  deal: {
    name: { label: 'Name', writable: true, kind: 'text' },
    stage: { label: 'Stage', writable: true, kind: 'text' },
    amount: { label: 'Amount', writable: true, kind: 'number' },
    accountId: { label: 'Account', writable: true, kind: 'ref' },
    ownerId: { label: 'Owner', writable: false, kind: 'ref' },
    closeDate: { label: 'Expected close', writable: true, kind: 'date' }
  },
  invoice: {
    number: { label: 'Number', writable: false, kind: 'text' },
    accountId: { label: 'Account', writable: false, kind: 'ref' },
    issueDate: { label: 'Issued', writable: false, kind: 'date' },
    dueDate: { label: 'Due', writable: false, kind: 'date' },
    total: { label: 'Total', writable: false, kind: 'number' },
    amountOpen: { label: 'Open amount', writable: false, kind: 'number' },
    currency: { label: 'Currency', writable: false, kind: 'text' },
    state: { label: 'State', writable: false, kind: 'text' }
  }
}

export interface CrmRecord {
  type: RecordType
  id: string
  /** Opaque token that changes whenever the record changes (revision, write date…). */
  version: string
  label: string
  fields: Record<string, FieldValue>
  /** Canonical fields this user may not read (the CRM's field access rules): left out of `fields`. */
  hidden?: string[]
}

/** One page of a search and how many records match in all. */
export interface SearchPage {
  records: CrmRecord[]
  /** Every record that matches and that this user may see, not only this page. */
  total: number
  offset: number
}

export interface DealStage {
  value: string
  /** false for a stage only the CRM itself sets (Tryton's "won"). */
  settable: boolean
}

/** What a CRM can hold and do, declared by its connector and checked before any card exists. */
export interface CrmSchema {
  /** "Tryton", "The sample workspace": names the CRM in refusals. */
  name: string
  dealStages: DealStage[]
  /** Stages a deal may move to from each stage; absent: any settable stage from any stage. */
  stageMoves?: Record<string, string[]>
  /** Canonical fields FIELDS calls writable that this CRM cannot write, with the reason. */
  unsupportedFields?: Partial<Record<RecordType, Record<string, string>>>
}

export interface SearchQuery {
  /** Free text matched against the record's name or label. */
  text?: string
  /** Exact matches on canonical fields, e.g. { stage: 'proposal', accountId: '12' }. */
  where?: Record<string, FieldValue>
  limit?: number
  /** How many matching records to skip (the next page starts at offset + limit). */
  offset?: number
}

export interface OverdueInvoice {
  id: string
  number: string
  account: { id: string; name: string }
  dueDate: string
  daysOverdue: number
  total: number
  amountOpen: number
  currency: string
}

export interface Automation {
  id: string
  name: string
  description: string
  active: boolean
  version: string
}

export interface Recipient {
  name: string
  address: string
}

export interface OutgoingMessage {
  about: { type: RecordType; id: string } | null
  to: Recipient[]
  subject: string
  body: string
}

export interface WriteResult {
  /** One line for the conversation, e.g. "Deal Acme renewal updated: stage → won". */
  summary: string
  record?: { type: RecordType; id: string; version: string }
}

export type Reconciliation =
  | { status: 'applied'; result: WriteResult }
  | { status: 'not_applied' }
  | { status: 'unknown' }

export { CrmError, type CrmErrorCode } from '../errors'

/**
 * One signed-in user's view of the CRM. Every method runs with that user's permissions; the
 * backend (or, for the sample workspace, its own permission layer) decides what they may see.
 * Writes carry an idempotency key so a crash between "executing" and the reply can be reconciled.
 */
export interface CrmSession {
  readonly backend: 'memory' | 'sample' | 'tryton'
  readonly user: SessionUser
  readonly schema: CrmSchema
  search(type: RecordType, query: SearchQuery): Promise<CrmRecord[]>
  /** One page of matches and the total this user may see. */
  find(type: RecordType, query: SearchQuery): Promise<SearchPage>
  /**
   * Side effects the CRM itself adds to a write, in words for the card (e.g. Tryton creates a
   * sales order when a deal is converted). `current` is null for a create or a message.
   */
  consequencesOf(write: PlannedWrite): string[]
  /**
   * null when the record does not exist or a record rule hides it from this user; throws
   * CrmError('permission') with the CRM's reason when the user may not read this type at all.
   */
  get(type: RecordType, id: string): Promise<CrmRecord | null>
  listOverdueInvoices(asOf: Date): Promise<OverdueInvoice[]>
  listAutomations(): Promise<Automation[]>
  getAutomation(id: string): Promise<Automation | null>
  /** Resolves addresses or contact ids to recipients this user may write to. */
  resolveRecipients(to: string[], about: { type: RecordType; id: string } | null): Promise<Recipient[]>

  createRecord(type: RecordType, fields: Record<string, FieldValue>, idempotencyKey: string): Promise<WriteResult>
  /** Throws CrmError('conflict') when the record's version is no longer `expectedVersion`. */
  updateRecord(
    type: RecordType,
    id: string,
    expectedVersion: string,
    changes: Record<string, FieldValue>,
    idempotencyKey: string
  ): Promise<WriteResult>
  /** Must refuse (CrmError 'permission') before sending when the user may not read `about`. */
  sendMessage(message: OutgoingMessage, idempotencyKey: string): Promise<WriteResult>
  setAutomation(id: string, active: boolean, expectedVersion: string, idempotencyKey: string): Promise<WriteResult>
  /** After a crash: did the write with this key happen? 'unknown' when the backend cannot tell. */
  reconcile(idempotencyKey: string): Promise<Reconciliation>
  /**
   * The organisation's Countersign policy as stored in the CRM, read with this user's session.
   * Absent on backends that have no such thing. The document is returned raw: main validates it.
   */
  organisationPolicy?(): Promise<OrganisationPolicyRead>
  /** Stores a new policy; the CRM refuses (CrmError 'permission') anyone but its administrators. */
  saveOrganisationPolicy?(document: unknown): Promise<void>
  close(): Promise<void>
}

export type PlannedWrite =
  | { kind: 'create'; type: RecordType; fields: Record<string, FieldValue> }
  | { kind: 'update'; record: CrmRecord; changes: Record<string, FieldValue> }
  | { kind: 'message'; about: CrmRecord | null }
  | { kind: 'automation'; automation: Automation; active: boolean }

export type OrganisationPolicyRead =
  | { status: 'none'; detail: string }
  /** A policy is stored but is not even JSON: everything asks, and the banner says why. */
  | { status: 'error'; detail: string }
  | {
      status: 'found'
      document: unknown
      updatedBy: string | null
      updatedAt: string | null
      /** Whether this user may change it from Countersign's Administration screen. */
      canEdit: boolean
      /** Where an administrator changes it, when not in Countersign. */
      editedIn: string | null
      /** For administrators: the people and groups a rule can name. */
      directory?: { users: { login: string; name: string }[]; groups: string[] }
    }

export type Credentials =
  | { kind: 'sample'; login: string }
  | { kind: 'tryton'; serverUrl: string; database: string; login: string; password: string }

export interface CrmConnector {
  readonly kind: Credentials['kind']
  /** Signs in with this user's own credentials. Throws CrmError('auth') on a wrong password. */
  signIn(credentials: Credentials): Promise<CrmSession>
}
