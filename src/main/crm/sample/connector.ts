// The connector for the embedded sample workspace. A session holds only the user's token and
// calls the server, which checks that user's permissions on every call.
import type { SessionUser } from '../../../shared/domain'
import {
  CrmError,
  type Automation,
  type CrmConnector,
  type CrmRecord,
  type CrmSession,
  type Credentials,
  type FieldValue,
  type OrganisationPolicyRead,
  type OutgoingMessage,
  type OverdueInvoice,
  type PlannedWrite,
  type SearchPage,
  type Recipient,
  type Reconciliation,
  type RecordType,
  type SearchQuery,
  type WriteResult
} from '../types'
import { SAMPLE_SCHEMA } from './model'
import type { SampleWorkspaceServer } from './server'

export class SampleConnector implements CrmConnector {
  readonly kind = 'sample' as const

  constructor(private readonly server: SampleWorkspaceServer) {}

  async signIn(credentials: Credentials): Promise<CrmSession> {
    if (credentials.kind !== 'sample') throw new CrmError('auth', 'The sample workspace only accepts sample sign-ins')
    const { token, user } = await this.server.login(credentials.login)
    return new SampleSession(this.server, token, user)
  }
}

class SampleSession implements CrmSession {
  readonly backend = 'sample' as const
  readonly schema = SAMPLE_SCHEMA
  readonly user: SessionUser
  /** Private so it never appears in a log line, a JSON dump or the renderer. */
  readonly #token: string

  constructor(
    private readonly server: SampleWorkspaceServer,
    token: string,
    user: SessionUser
  ) {
    this.#token = token
    this.user = Object.freeze({ ...user, groups: [...user.groups] })
  }

  search(type: RecordType, query: SearchQuery): Promise<CrmRecord[]> {
    return this.server.search(this.#token, type, query)
  }

  find(type: RecordType, query: SearchQuery): Promise<SearchPage> {
    return this.server.find(this.#token, type, query)
  }

  /** The sample workspace adds nothing to a write beyond what the card shows. */
  consequencesOf(_write: PlannedWrite): string[] {
    return []
  }

  get(type: RecordType, id: string): Promise<CrmRecord | null> {
    return this.server.get(this.#token, type, id)
  }

  listOverdueInvoices(asOf: Date): Promise<OverdueInvoice[]> {
    return this.server.listOverdueInvoices(this.#token, asOf)
  }

  listAutomations(): Promise<Automation[]> {
    return this.server.listAutomations(this.#token)
  }

  getAutomation(id: string): Promise<Automation | null> {
    return this.server.getAutomation(this.#token, id)
  }

  resolveRecipients(to: string[], about: { type: RecordType; id: string } | null): Promise<Recipient[]> {
    return this.server.resolveRecipients(this.#token, to, about)
  }

  createRecord(type: RecordType, fields: Record<string, FieldValue>, idempotencyKey: string): Promise<WriteResult> {
    return this.server.createRecord(this.#token, type, fields, idempotencyKey)
  }

  updateRecord(
    type: RecordType,
    id: string,
    expectedVersion: string,
    changes: Record<string, FieldValue>,
    idempotencyKey: string
  ): Promise<WriteResult> {
    return this.server.updateRecord(this.#token, type, id, expectedVersion, changes, idempotencyKey)
  }

  sendMessage(message: OutgoingMessage, idempotencyKey: string): Promise<WriteResult> {
    return this.server.sendMessage(this.#token, message, idempotencyKey)
  }

  setAutomation(id: string, active: boolean, expectedVersion: string, idempotencyKey: string): Promise<WriteResult> {
    return this.server.setAutomation(this.#token, id, active, expectedVersion, idempotencyKey)
  }

  organisationPolicy(): Promise<OrganisationPolicyRead> {
    return this.server.organisationPolicy(this.#token)
  }

  saveOrganisationPolicy(document: unknown): Promise<void> {
    return this.server.setOrganisationPolicy(this.#token, document)
  }

  reconcile(idempotencyKey: string): Promise<Reconciliation> {
    return this.server.reconcile(this.#token, idempotencyKey)
  }

  close(): Promise<void> {
    return this.server.logout(this.#token)
  }
}
