// The user's choice of AI provider, and their consent to send data to it.
//
// - Non-secret configuration (kind, model, base URL, API flavour) and consent records live in the
//   JsonStore `providers`. API keys live only in the SecretStore (the OS keychain), under
//   secretKeys.provider(kind, endpointHost).
// - prepare() makes the choice the configured provider and returns the consent text; it sends
//   nothing, and the provider is unusable until consent (so a change of provider or endpoint never
//   keeps sending to the old one, nor starts sending to the new one, without a fresh yes).
// - consent() accepts exactly the prepared choice (same wording version, same endpoint host),
//   records who agreed to what and when, and so makes the provider active.
// - resolve() hands out a model only for the demo, or for a provider with a consent record for
//   this user + this provider + this endpoint host + the current wording. Everything else throws
//   ProviderNotReadyError before a single byte leaves.
import type { ConsentRecord, ConsentText, ProviderKind, ProviderView } from '../../shared/domain'
import type { SecretStore } from '../secrets/types'
import { secretKeys } from '../secrets/types'
import type { JsonStore, JsonStoreFactory } from '../storage/types'
import { createDemoModel } from './demo/model'
import {
  createLanguageModel,
  DEMO_DISPLAY_NAME,
  DEMO_MODEL_ID,
  dataTerms,
  effectiveBaseURL,
  endpointHostOf,
  isLocalHost,
  providerCatalogue,
  providerDisplayName,
  type OpenAIApi,
  type RealProviderKind
} from './factory'
import {
  ProviderNotReadyError,
  type ProviderConfigInput,
  type ProviderService,
  type ResolvedModel
} from './types'

/** Bump when the consent wording changes: every user is asked again. */
export const CONSENT_WORDING_VERSION = 'consent-v1'

export const WHAT_IS_SENT = [
  'Your messages in this conversation',
  "The records Countersign's reads return for your request (for example names, email addresses, amounts, invoice details)",
  'The descriptions of the actions the assistant may propose'
] as const

interface StoredChoice {
  kind: ProviderKind
  model: string
  /** null for the demo */
  baseURL: string | null
  endpointHost: string | null
  api?: OpenAIApi
  /** Whether a key was put in the keychain for this kind + host (the key itself is never here). */
  hasApiKey: boolean
  at: number
}

interface ProvidersDoc extends Record<string, unknown> {
  /** The configured provider; null: the demo (the default when nothing was ever chosen). */
  active: StoredChoice | null
  consents: ConsentRecord[]
}

const DEFAULTS: ProvidersDoc = { active: null, consents: [] }

export type ProviderPrepareInput = ProviderConfigInput & { api?: OpenAIApi }

export interface ProviderServiceDeps {
  stores: JsonStoreFactory
  secrets: SecretStore
  clock: () => number
  createModel?: typeof createLanguageModel
  /** Extra options for the offline demo model (e.g. a typing delay in the app). */
  demo?: { chunkDelayMs?: number }
}

export class DefaultProviderService implements ProviderService {
  private readonly store: JsonStore<ProvidersDoc>
  private readonly createModel: typeof createLanguageModel

  constructor(private readonly deps: ProviderServiceDeps) {
    this.store = deps.stores.open<ProvidersDoc>({ name: 'providers', defaults: DEFAULTS })
    this.createModel = deps.createModel ?? createLanguageModel
  }

  view(userId: string | null): ProviderView {
    const doc = this.doc()
    const active = doc.active
    if (!active || active.kind === 'demo') return demoView()
    const consent = userId ? this.consentFor(doc, userId, active) : null
    return {
      kind: active.kind,
      name: providerDisplayName(active.kind, active.endpointHost),
      model: active.model,
      baseURL: active.baseURL,
      endpointHost: active.endpointHost,
      hasApiKey: active.hasApiKey,
      local: active.endpointHost ? isLocalHost(active.endpointHost) : false,
      consent,
      ready: consent !== null
    }
  }

  async resolve(userId: string): Promise<ResolvedModel> {
    const doc = this.doc()
    const active = doc.active
    if (!active || active.kind === 'demo') {
      return {
        model: createDemoModel(this.deps.demo),
        provider: 'demo',
        providerName: DEMO_DISPLAY_NAME,
        modelId: DEMO_MODEL_ID
      }
    }
    const name = providerDisplayName(active.kind, active.endpointHost)
    if (!this.consentFor(doc, userId, active)) {
      throw new ProviderNotReadyError(
        `${name} at ${active.endpointHost} is chosen, but you have not agreed to send it your data yet. Open Settings → AI provider to review what is sent and give your consent, or switch to the offline demo assistant.`
      )
    }
    const kind = active.kind as RealProviderKind
    const apiKey = await this.deps.secrets.get(secretKeys.provider(kind, active.endpointHost!))
    if (providerCatalogue[kind].requiresApiKey && !apiKey) {
      throw new ProviderNotReadyError(
        `No API key for ${name} was found in your system keychain. Enter it again in Settings → AI provider.`
      )
    }
    const model =
      kind === 'openai-compatible'
        ? this.createModel({ kind, model: active.model, baseURL: active.baseURL!, ...(apiKey ? { apiKey } : {}) })
        : kind === 'openai'
          ? this.createModel({ kind, model: active.model, apiKey: apiKey!, baseURL: active.baseURL!, api: active.api ?? 'responses' })
          : this.createModel({ kind, model: active.model, apiKey: apiKey!, baseURL: active.baseURL! })
    return { model, provider: kind, providerName: name, modelId: active.model }
  }

  async prepare(input: ProviderPrepareInput): Promise<ConsentText> {
    const now = this.deps.clock()
    if (input.kind === 'demo') {
      this.write({ ...this.doc(), active: null })
      return consentText({ kind: 'demo', endpointHost: null })
    }
    const kind = input.kind
    const model = input.model?.trim() || providerCatalogue[kind].defaultModel
    const baseURL = effectiveBaseURL(kind, input.baseURL)
    const endpointHost = endpointHostOf(baseURL)
    const account = secretKeys.provider(kind, endpointHost)
    const key = input.apiKey?.trim()
    let hasApiKey: boolean
    if (key) {
      await this.deps.secrets.set(account, key)
      hasApiKey = true
    } else {
      hasApiKey = (await this.deps.secrets.get(account)) !== null
    }
    if (providerCatalogue[kind].requiresApiKey && !hasApiKey) {
      throw new Error(`${providerCatalogue[kind].displayName} needs an API key.`)
    }
    const choice: StoredChoice = {
      kind,
      model,
      baseURL,
      endpointHost,
      ...(kind === 'openai' ? { api: input.api ?? 'responses' } : {}),
      hasApiKey,
      at: now
    }
    this.write({ ...this.doc(), active: choice })
    return consentText(choice)
  }

  async consent(userId: string, wordingVersion: string, endpointHost: string): Promise<ProviderView> {
    const doc = this.doc()
    // The prepared choice (also after a withdrawal: the configured provider can be agreed to again).
    const choice = doc.active && doc.active.kind !== 'demo' ? doc.active : null
    if (!choice) throw new Error('There is no provider choice waiting for consent. Choose a provider first.')
    if (wordingVersion !== CONSENT_WORDING_VERSION) {
      throw new Error('The consent text has changed since it was shown. Review it again before agreeing.')
    }
    const expectedHost = choice.endpointHost ?? ''
    if (endpointHost !== expectedHost) {
      throw new Error(`This consent names ${endpointHost || 'no endpoint'}, but the chosen provider is at ${expectedHost || 'no endpoint'}. Review it again.`)
    }
    const record: ConsentRecord = {
      userId,
      at: this.deps.clock(),
      provider: choice.kind,
      providerName: providerDisplayName(choice.kind, choice.endpointHost),
      endpointHost: expectedHost,
      wordingVersion
    }
    const consents = doc.consents.filter(
      (c) => !(c.userId === userId && c.provider === record.provider && c.endpointHost === record.endpointHost)
    )
    this.write({ active: choice, consents: [...consents, record] })
    return this.view(userId)
  }

  async withdraw(userId: string): Promise<ProviderView> {
    const doc = this.doc()
    const active = doc.active
    if (active && active.kind !== 'demo') {
      const consents = doc.consents.filter(
        (c) => !(c.userId === userId && c.provider === active.kind && c.endpointHost === active.endpointHost)
      )
      this.write({ ...doc, consents })
    }
    return this.view(userId)
  }

  async useDemo(userId: string): Promise<ProviderView> {
    this.write({ ...this.doc(), active: null })
    return this.view(userId)
  }

  /** The consent text for the configured provider when it still waits for this user's yes. */
  claimLegacy(bareUserId: string, principal: string): void {
    const doc = this.doc()
    // Principal keys always contain "|"; a bare CRM user id never does.
    if (!doc.consents.some((c) => c.userId === bareUserId && !c.userId.includes('|'))) return
    this.store.write({ ...doc, consents: doc.consents.map((c) => (c.userId === bareUserId ? { ...c, userId: principal } : c)) })
  }

  pendingConsent(userId: string): ConsentText | null {
    const doc = this.doc()
    const active = doc.active
    if (!active || active.kind === 'demo' || this.consentFor(doc, userId, active)) return null
    return consentText(active)
  }

  private consentFor(doc: ProvidersDoc, userId: string, choice: StoredChoice): ConsentRecord | null {
    return (
      doc.consents.find(
        (c) =>
          c.userId === userId &&
          c.provider === choice.kind &&
          c.endpointHost === choice.endpointHost &&
          c.wordingVersion === CONSENT_WORDING_VERSION
      ) ?? null
    )
  }

  private doc(): ProvidersDoc {
    const raw = this.store.read()
    return {
      active: isChoice(raw.active) ? raw.active : null,
      consents: Array.isArray(raw.consents) ? raw.consents : []
    }
  }

  private write(doc: ProvidersDoc): void {
    this.store.write(doc)
  }
}

function isChoice(value: unknown): value is StoredChoice {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as StoredChoice).kind === 'string' &&
    typeof (value as StoredChoice).model === 'string'
  )
}

function demoView(): ProviderView {
  return {
    kind: 'demo',
    name: DEMO_DISPLAY_NAME,
    model: DEMO_MODEL_ID,
    baseURL: null,
    endpointHost: null,
    hasApiKey: false,
    local: true,
    consent: null,
    ready: true
  }
}

export function consentText(choice: Pick<StoredChoice, 'kind' | 'endpointHost'>): ConsentText {
  if (choice.kind === 'demo') {
    return {
      wordingVersion: CONSENT_WORDING_VERSION,
      providerName: DEMO_DISPLAY_NAME,
      endpointHost: '',
      local: true,
      whatIsSent: ['Nothing: the demo assistant runs inside Countersign and sends no data anywhere'],
      termsUrl: null
    }
  }
  const host = choice.endpointHost ?? ''
  const local = isLocalHost(host)
  const terms = dataTerms(choice.kind, host)
  const holder = terms.holder
  const last = local
    ? `It goes to ${host}, a server on this computer: nothing leaves your machine`
    : `${holder.charAt(0).toUpperCase()}${holder.slice(1)} receives it at ${host} and processes it under its own terms${terms.url ? '' : ', which Countersign cannot show you'}`
  return {
    wordingVersion: CONSENT_WORDING_VERSION,
    providerName: providerDisplayName(choice.kind, host),
    endpointHost: host,
    local,
    whatIsSent: [...WHAT_IS_SENT, last],
    termsUrl: terms.url
  }
}
