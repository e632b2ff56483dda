// What the assistant loop and the handlers need from providers: a ready-to-call model, or a clear
// refusal; and the settings operations, none of which sends anything before consent.
import type { LanguageModel } from 'ai'
import type { ConsentRecord, ConsentText, GenerationSettings, ProviderKind, ProviderView } from '../../shared/domain'

export interface ResolvedModel {
  model: LanguageModel
  provider: ProviderKind
  providerName: string
  modelId: string
  /** The profile the model comes from; absent for the demo. */
  profileId?: string
}

export { ProviderNotReadyError } from '../errors'

export interface ProviderConfigInput {
  kind: ProviderKind
  model: string
  baseURL?: string
  apiKey?: string
  /** OpenAI only: the Responses API (default) or Chat Completions. */
  api?: 'chat' | 'responses'
  /** Edit this saved profile instead of adding one. */
  profileId?: string
  label?: string
  /** Gateway headers; values are secrets (keychain). An empty object removes them. */
  headers?: Record<string, string>
  organization?: string
  project?: string
  /** OpenAI Responses: let OpenAI store responses (default off). */
  openaiStore?: boolean
  generation?: GenerationSettings
}

/** A provider failure explained for the user; the loop shows `message` and offers retry when `retryable`. */
export interface ProviderFailure {
  message: string
  retryable: boolean
  retryAfterSeconds?: number
}

/** What choosing a provider led to: saved at once (consent already on record, or the demo), or held aside for consent. */
export type PrepareResult =
  | { status: 'saved'; view: ProviderView; consent: ConsentRecord | null }
  | { status: 'needs-consent'; consent: ConsentText }

export interface ConnectionTestResult {
  ok: boolean
  message: string
  /** The model id the endpoint reported (or the configured one). */
  model: string | null
  latencyMs: number | null
}

export interface ProviderService {
  /** `userKey`: who is asking (today the CRM user id, soon the principal key). */
  view(userKey: string | null): ProviderView
  /**
   * A model for the profile `profileId` (a conversation's own choice), or the active one; the demo
   * for 'demo' or when nothing is chosen. Throws ProviderNotReadyError unless there is consent on
   * record for `userKey` and that profile's provider and endpoint.
   */
  resolve(userKey: string, profileId?: string | null): Promise<ResolvedModel>
  /** Holds a choice aside until consent (nothing stored, nothing sent), or saves it when consent is already on record. */
  prepare(userKey: string, input: ProviderConfigInput): Promise<PrepareResult>
  /** Agrees to what is held aside for `userKey` (or, with nothing held, to the active profile again). */
  consent(userKey: string, wordingVersion: string, endpointHost: string): Promise<ProviderView>
  /** Discards what is held aside: nothing changes, nothing is stored. */
  cancel(userKey: string): Promise<ProviderView>
  /** Makes a saved profile the one in use; one without this user's consent is held aside for it. */
  select(userKey: string, profileId: string): Promise<PrepareResult>
  deleteProfile(userKey: string, profileId: string): Promise<ProviderView>
  withdraw(userKey: string, profileId?: string): Promise<ProviderView>
  useDemo(userKey: string): Promise<ProviderView>
  /** The endpoint's model list; only for a profile this user has consented to. */
  listModels(userKey: string, profileId: string): Promise<{ id: string }[]>
  /** One minimal request (no CRM data), only after consent. Never throws for a provider failure. */
  testConnection(userKey: string, profileId: string): Promise<ConnectionTestResult>
  /** A conversation's own choice of profile (null: the active one). */
  conversationProfile(conversationId: string): string | null
  setConversationProfile(userKey: string, conversationId: string, profileId: string | null): void
  /** Gives consent recorded under a bare CRM user id to that user's principal (see accounts/identity-migration.ts). */
  claimLegacy?(bareUserId: string, principal: string): void
}
