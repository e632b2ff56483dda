// What the assistant loop needs from providers: a ready-to-call model, or a clear refusal.
import type { LanguageModel } from 'ai'
import type { ConsentText, ProviderKind, ProviderView } from '../../shared/domain'

export interface ResolvedModel {
  model: LanguageModel
  provider: ProviderKind
  providerName: string
  modelId: string
}

export { ProviderNotReadyError } from '../errors'

export interface ProviderConfigInput {
  kind: ProviderKind
  model: string
  baseURL?: string
  apiKey?: string
  /** OpenAI only: the Responses API (default) or Chat Completions. */
  api?: 'chat' | 'responses'
}

/** A provider failure explained for the user; the loop shows `message` and offers retry when `retryable`. */
export interface ProviderFailure {
  message: string
  retryable: boolean
  retryAfterSeconds?: number
}

export interface ProviderService {
  view(userId: string | null): ProviderView
  /** Throws ProviderNotReadyError unless the provider is the demo or has consent on record for `userId`. */
  resolve(userId: string): Promise<ResolvedModel>
  /** Stores the choice (key into the keychain) and returns what consent would cover. Sends nothing. */
  prepare(input: ProviderConfigInput): Promise<ConsentText>
  consent(userId: string, wordingVersion: string, endpointHost: string): Promise<ProviderView>
  withdraw(userId: string): Promise<ProviderView>
  useDemo(userId: string): Promise<ProviderView>
  /** Gives consent recorded under a bare CRM user id to that user's principal (see accounts/identity-migration.ts). */
  claimLegacy?(bareUserId: string, principal: string): void
}
