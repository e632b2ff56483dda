// The user's AI provider profiles, and their consent to send data to each.
//
// - Non-secret configuration (profiles: kind, model, base URL, options) and consent records live
//   in the JsonStore `providers`. API keys and gateway header values live only in the SecretStore
//   (the OS keychain); a profile without either never touches the keychain.
// - prepare() never changes what is in use. A choice that needs consent is held aside in memory
//   (key included) until the user agrees; Cancel discards it, so nothing was stored and nothing
//   was sent. A choice whose provider + endpoint this user already agreed to is saved at once,
//   without showing a consent screen that would mean nothing.
// - consent() accepts exactly what was held aside (same wording version, same endpoint host),
//   records who agreed to what and when, and only then saves the profile, its key, and makes it
//   the one in use.
// - resolve() hands out a model only for the demo, or for a profile with a consent record for this
//   user + its provider + its endpoint host + the current wording. Everything else throws
//   ProviderNotReadyError before a single byte leaves.
import { randomUUID } from 'node:crypto'
import { streamText, wrapLanguageModel, type LanguageModel } from 'ai'
import type {
  ConsentRecord,
  ConsentText,
  GenerationSettings,
  ProviderKind,
  ProviderProfileView,
  ProviderView
} from '../../shared/domain'
import type { SecretStore } from '../secrets/types'
import { secretKeys } from '../secrets/types'
import type { JsonStore, JsonStoreFactory } from '../storage/types'
import { createDemoModel } from './demo/model'
import { describeProviderError } from './errors'
import {
  authHeaders,
  createLanguageModel,
  DEMO_DISPLAY_NAME,
  DEMO_MODEL_ID,
  effectiveBaseURL,
  endpointHostOf,
  endpointOperator,
  isLocalHost,
  modelsURL,
  providerCatalogue,
  providerDisplayName,
  type ModelConfig,
  type OpenAIApi,
  type RealProviderKind
} from './factory'
import { callDefaultsMiddleware, idleTimeoutMiddleware } from './middleware'
import { proxyFetch } from './proxy'
import {
  ProviderNotReadyError,
  type ConnectionTestResult,
  type PrepareResult,
  type ProviderConfigInput,
  type ProviderService,
  type ResolvedModel
} from './types'

/** Bump when the consent wording changes: every user is asked again. */
export const CONSENT_WORDING_VERSION = 'consent-v1'

/** A stream that sends nothing for this long is ended (reasoning at high effort gets three times as long). */
export const DEFAULT_IDLE_TIMEOUT_MS = 60_000

export const WHAT_IS_SENT = [
  'Your messages in this conversation',
  "The records Countersign's reads return for your request (for example names, email addresses, amounts, invoice details)",
  'The descriptions of the actions the assistant may propose'
] as const

/** The conversation choice that means "the offline demo". */
export const DEMO_PROFILE_ID = 'demo'

interface StoredProfile {
  id: string
  label: string
  kind: RealProviderKind
  model: string
  baseURL: string
  endpointHost: string
  api?: OpenAIApi
  /** Whether a key is in the keychain under `keyAccount` (the key itself is never here). */
  hasApiKey: boolean
  keyAccount: string
  /** Names of gateway headers whose values are in the keychain under `${keyAccount}#headers`. */
  headerNames: string[]
  organization?: string
  project?: string
  openaiStore?: boolean
  generation?: GenerationSettings
  at: number
}

interface ProvidersDoc extends Record<string, unknown> {
  profiles: StoredProfile[]
  /** The profile in use; null: the demo (the default when nothing was ever chosen). */
  activeProfileId: string | null
  consents: ConsentRecord[]
  /** A conversation's own choice of profile ('demo' for the demo). */
  conversationProfiles: Record<string, string>
}

/** A choice waiting for consent: only in memory, so Cancel (or quitting) leaves no trace. */
interface Pending {
  profile: StoredProfile
  /** A new key to store on consent (undefined: keep what the profile has). */
  apiKey?: string
  /** New header values to store on consent (undefined: keep). */
  headers?: Record<string, string>
  consent: ConsentText
}

const DEFAULTS: ProvidersDoc = { profiles: [], activeProfileId: null, consents: [], conversationProfiles: {} }

export interface ProviderServiceDeps {
  stores: JsonStoreFactory
  secrets: SecretStore
  clock: () => number
  createModel?: typeof createLanguageModel
  /** Extra options for the offline demo model (e.g. a typing delay in the app). */
  demo?: { chunkDelayMs?: number }
  /** How long a stream may stay silent before it is ended (DEFAULT_IDLE_TIMEOUT_MS). */
  idleTimeoutMs?: number
  /** The fetch for the model list (the proxy-aware one by default). */
  fetch?: typeof fetch
}

export class DefaultProviderService implements ProviderService {
  private readonly store: JsonStore<ProvidersDoc>
  private readonly createModel: typeof createLanguageModel
  private readonly pending = new Map<string, Pending>()

  constructor(private readonly deps: ProviderServiceDeps) {
    this.store = deps.stores.open<ProvidersDoc>({ name: 'providers', defaults: DEFAULTS })
    this.createModel = deps.createModel ?? createLanguageModel
  }

  view(userKey: string | null): ProviderView {
    const doc = this.doc()
    const active = doc.profiles.find((p) => p.id === doc.activeProfileId) ?? null
    const profiles = doc.profiles.map((p) => this.profileView(doc, userKey, p))
    const pending = userKey ? (this.pending.get(userKey)?.consent ?? null) : null
    const extra = { activeProfileId: active?.id ?? null, profiles, pending }
    if (!active) return { ...demoView(), ...extra }
    const consent = userKey ? consentFor(doc, userKey, active) : null
    return {
      kind: active.kind,
      name: providerDisplayName(active.kind, active.endpointHost),
      model: active.model,
      baseURL: active.baseURL,
      endpointHost: active.endpointHost,
      hasApiKey: active.hasApiKey,
      local: isLocalHost(active.endpointHost),
      consent,
      ready: consent !== null,
      ...extra
    }
  }

  async resolve(userKey: string, profileId?: string | null): Promise<ResolvedModel> {
    const doc = this.doc()
    const id = profileId ?? doc.activeProfileId
    if (id === null || id === DEMO_PROFILE_ID) {
      return { model: createDemoModel(this.deps.demo), provider: 'demo', providerName: DEMO_DISPLAY_NAME, modelId: DEMO_MODEL_ID }
    }
    const profile = doc.profiles.find((p) => p.id === id)
    if (!profile) {
      throw new ProviderNotReadyError(
        'The AI provider chosen for this conversation was removed. Choose another one for this conversation, or in Settings → AI provider.'
      )
    }
    const name = providerDisplayName(profile.kind, profile.endpointHost)
    if (!consentFor(doc, userKey, profile)) {
      throw new ProviderNotReadyError(
        `${name} at ${profile.endpointHost} is chosen, but you have not agreed to send it your data yet. Open Settings → AI provider to review what is sent and give your consent, or switch to the offline demo assistant.`
      )
    }
    const { apiKey, headers } = await this.secretsOf(profile)
    if (providerCatalogue[profile.kind].requiresApiKey && !apiKey) {
      throw new ProviderNotReadyError(`No API key for ${name} was found in your system keychain. Enter it again in Settings → AI provider.`)
    }
    const model = this.wrap(profile, this.createModel(modelConfig(profile, apiKey, headers)))
    return { model, provider: profile.kind, providerName: name, modelId: profile.model, profileId: profile.id }
  }

  async prepare(userKey: string, input: ProviderConfigInput): Promise<PrepareResult> {
    if (input.kind === 'demo') return { status: 'saved', view: await this.useDemo(userKey), consent: null }
    const doc = this.doc()
    const existing = input.profileId ? doc.profiles.find((p) => p.id === input.profileId) : undefined
    if (input.profileId && !existing) throw new Error('That provider profile no longer exists.')
    const kind = input.kind
    const baseURL = effectiveBaseURL(kind, input.baseURL)
    const endpointHost = endpointHostOf(baseURL)
    const sameEndpoint = existing && existing.kind === kind && existing.endpointHost === endpointHost
    const key = input.apiKey?.trim() || undefined
    // A key or header values entered for another endpoint are never carried over to this one.
    const keepsKey = Boolean(sameEndpoint && existing.hasApiKey)
    if (providerCatalogue[kind].requiresApiKey && !key && !keepsKey) throw new Error(`${providerCatalogue[kind].displayName} needs an API key.`)
    const headers = input.headers ? cleanHeaders(input.headers) : undefined
    const id = existing?.id ?? `p-${randomUUID()}`
    const profile: StoredProfile = {
      id,
      label: input.label?.trim() || existing?.label || defaultLabel(kind, endpointHost),
      kind,
      model: input.model?.trim() || providerCatalogue[kind].defaultModel,
      baseURL,
      endpointHost,
      ...(kind === 'openai' ? { api: input.api ?? existing?.api ?? 'responses' } : {}),
      hasApiKey: Boolean(key) || keepsKey,
      keyAccount: existing && sameEndpoint ? existing.keyAccount : secretKeys.provider(kind, `${endpointHost}#${id}`),
      headerNames: headers ? Object.keys(headers) : sameEndpoint ? existing.headerNames : [],
      ...(kind === 'openai' ? openaiOptions(input, existing) : {}),
      generation: input.generation ?? existing?.generation ?? {},
      at: this.deps.clock()
    }
    if (consentFor(doc, userKey, profile)) {
      // Consent is for a provider at an endpoint: this user already agreed to exactly that.
      await this.commit(profile, key, headers ?? (sameEndpoint ? undefined : {}), existing)
      const saved = this.doc()
      return { status: 'saved', view: this.view(userKey), consent: consentFor(saved, userKey, profile) }
    }
    const consent = consentText(profile)
    this.pending.set(userKey, { profile, apiKey: key, headers: headers ?? (sameEndpoint ? undefined : {}), consent })
    return { status: 'needs-consent', consent }
  }

  async consent(userKey: string, wordingVersion: string, endpointHost: string): Promise<ProviderView> {
    const held = this.pending.get(userKey)
    const doc = this.doc()
    // Nothing held aside: agreeing again to the profile in use (after a withdrawal).
    const profile = held?.profile ?? doc.profiles.find((p) => p.id === doc.activeProfileId) ?? null
    if (!profile) throw new Error('There is no provider choice waiting for consent. Choose a provider first.')
    if (wordingVersion !== CONSENT_WORDING_VERSION) {
      throw new Error('The consent text has changed since it was shown. Review it again before agreeing.')
    }
    if (endpointHost !== profile.endpointHost) {
      throw new Error(`This consent names ${endpointHost || 'no endpoint'}, but the chosen provider is at ${profile.endpointHost}. Review it again.`)
    }
    if (held) {
      // The key goes to the keychain only now; a keychain failure leaves everything as it was.
      await this.commit(profile, held.apiKey, held.headers, doc.profiles.find((p) => p.id === profile.id))
      this.pending.delete(userKey)
    }
    const record: ConsentRecord = {
      userId: userKey,
      at: this.deps.clock(),
      provider: profile.kind,
      providerName: providerDisplayName(profile.kind, profile.endpointHost),
      endpointHost: profile.endpointHost,
      wordingVersion
    }
    const current = this.doc()
    this.write({ ...current, activeProfileId: profile.id, consents: [...current.consents.filter((c) => !sameConsent(c, record)), record] })
    return this.view(userKey)
  }

  async cancel(userKey: string): Promise<ProviderView> {
    this.pending.delete(userKey)
    return this.view(userKey)
  }

  async select(userKey: string, profileId: string): Promise<PrepareResult> {
    if (profileId === DEMO_PROFILE_ID) return { status: 'saved', view: await this.useDemo(userKey), consent: null }
    const doc = this.doc()
    const profile = doc.profiles.find((p) => p.id === profileId)
    if (!profile) throw new Error('That provider profile no longer exists.')
    const agreed = consentFor(doc, userKey, profile)
    if (agreed) {
      this.pending.delete(userKey)
      this.write({ ...doc, activeProfileId: profile.id })
      return { status: 'saved', view: this.view(userKey), consent: agreed }
    }
    const consent = consentText(profile)
    this.pending.set(userKey, { profile, consent })
    return { status: 'needs-consent', consent }
  }

  /** Gives consent recorded under a bare CRM user id to that user's principal (see accounts/identity-migration.ts). */
  claimLegacy(bareUserId: string, principal: string): void {
    const doc = this.doc()
    // Principal keys always contain "|"; a bare CRM user id never does.
    if (!doc.consents.some((c) => ownerOf(c) === bareUserId)) return
    this.write({ ...doc, consents: doc.consents.map((c) => (ownerOf(c) === bareUserId ? { ...c, userId: principal } : c)) })
  }

  async deleteProfile(userKey: string, profileId: string): Promise<ProviderView> {
    const doc = this.doc()
    const profile = doc.profiles.find((p) => p.id === profileId)
    if (!profile) return this.view(userKey)
    if (profile.hasApiKey) await this.deps.secrets.delete(profile.keyAccount)
    if (profile.headerNames.length) await this.deps.secrets.delete(headersAccount(profile))
    const conversationProfiles = Object.fromEntries(Object.entries(doc.conversationProfiles).filter(([, id]) => id !== profileId))
    this.write({
      ...doc,
      profiles: doc.profiles.filter((p) => p.id !== profileId),
      activeProfileId: doc.activeProfileId === profileId ? null : doc.activeProfileId,
      conversationProfiles
    })
    if (this.pending.get(userKey)?.profile.id === profileId) this.pending.delete(userKey)
    return this.view(userKey)
  }

  async withdraw(userKey: string, profileId?: string): Promise<ProviderView> {
    const doc = this.doc()
    const profile = doc.profiles.find((p) => p.id === (profileId ?? doc.activeProfileId))
    if (profile) {
      this.write({
        ...doc,
        consents: doc.consents.filter((c) => !(ownerOf(c) === userKey && c.provider === profile.kind && c.endpointHost === profile.endpointHost))
      })
    }
    return this.view(userKey)
  }

  async useDemo(userKey: string): Promise<ProviderView> {
    this.pending.delete(userKey)
    this.write({ ...this.doc(), activeProfileId: null })
    return this.view(userKey)
  }

  async listModels(userKey: string, profileId: string): Promise<{ id: string }[]> {
    const profile = this.consentedProfile(userKey, profileId)
    const { apiKey, headers } = await this.secretsOf(profile)
    const url = modelsURL(profile.kind, profile.baseURL)
    const doFetch = this.deps.fetch ?? proxyFetch()
    let response: Response
    try {
      response = await doFetch(url, {
        headers: authHeaders({ kind: profile.kind, baseURL: profile.baseURL, apiKey, organization: profile.organization, project: profile.project, headers }),
        signal: AbortSignal.timeout(15_000)
      })
    } catch (error) {
      throw new Error(`Could not read the model list from ${profile.endpointHost}: ${describeProviderError(error, { providerName: providerDisplayName(profile.kind, profile.endpointHost), apiKey: apiKey ?? undefined }).message}`)
    }
    if (!response.ok) {
      await response.body?.cancel().catch(() => undefined)
      throw new Error(`${profile.endpointHost} did not give a model list (HTTP ${response.status}). You can still type the model's name.`)
    }
    const body = (await response.json().catch(() => null)) as { data?: unknown; models?: unknown } | null
    const list = Array.isArray(body?.data) ? body.data : Array.isArray(body?.models) ? body.models : null
    if (!list) throw new Error(`${profile.endpointHost} answered, but not with a model list. You can still type the model's name.`)
    const ids = list
      .map((m) => (typeof m === 'object' && m && 'id' in m ? (m as { id: unknown }).id : typeof m === 'object' && m && 'name' in m ? (m as { name: unknown }).name : null))
      .filter((id): id is string => typeof id === 'string' && id.length > 0 && id.length <= 200)
    return [...new Set(ids)].sort((a, b) => a.localeCompare(b)).map((id) => ({ id }))
  }

  async testConnection(userKey: string, profileId: string): Promise<ConnectionTestResult> {
    const profile = this.consentedProfile(userKey, profileId)
    const resolved = await this.resolve(userKey, profile.id)
    const started = Date.now()
    let text = ''
    let failure: unknown = null
    let responseModel: string | null = null
    try {
      // One short request that carries no CRM data: only this instruction.
      const result = streamText({
        model: resolved.model,
        prompt: 'Reply with the single word OK.',
        maxOutputTokens: 16,
        maxRetries: 0,
        onError: () => undefined
      })
      for await (const part of result.stream) {
        if (part.type === 'text-delta') text += part.text
        else if (part.type === 'error') failure ??= part.error
      }
      if (!failure) responseModel = (await result.response).modelId ?? null
    } catch (error) {
      failure = error
    }
    const latencyMs = Date.now() - started
    const who = `${resolved.providerName} at ${profile.endpointHost}`
    if (failure) {
      const { apiKey } = await this.secretsOf(profile).catch(() => ({ apiKey: null }))
      const described = describeProviderError(failure, { providerName: resolved.providerName, modelId: profile.model, apiKey: apiKey ?? undefined })
      return { ok: false, message: described.message, model: null, latencyMs }
    }
    const said = text.trim().replace(/\s+/g, ' ').slice(0, 80)
    const model = responseModel ?? profile.model
    return {
      ok: true,
      message: `${who} answered in ${latencyMs} ms with the model ${model}${said ? `: “${said}”` : ' (no text, which is fine for a test)'}.`,
      model,
      latencyMs
    }
  }

  conversationProfile(conversationId: string): string | null {
    return this.doc().conversationProfiles[conversationId] ?? null
  }

  setConversationProfile(userKey: string, conversationId: string, profileId: string | null): void {
    const doc = this.doc()
    if (profileId !== null && profileId !== DEMO_PROFILE_ID) {
      const profile = doc.profiles.find((p) => p.id === profileId)
      if (!profile) throw new Error('That provider profile no longer exists.')
      // Only among the providers this user agreed to: choosing never bypasses consent.
      if (!consentFor(doc, userKey, profile)) throw new ProviderNotReadyError(`You have not agreed to send data to ${providerDisplayName(profile.kind, profile.endpointHost)} yet. Agree to it in Settings → AI provider first.`)
    }
    const conversationProfiles = { ...doc.conversationProfiles }
    if (profileId === null) delete conversationProfiles[conversationId]
    else conversationProfiles[conversationId] = profileId
    this.write({ ...doc, conversationProfiles })
  }

  /** The consent text for what waits for this user's yes: the choice held aside, or the active profile after a withdrawal. */
  pendingConsent(userKey: string): ConsentText | null {
    const held = this.pending.get(userKey)
    if (held) return held.consent
    const doc = this.doc()
    const active = doc.profiles.find((p) => p.id === doc.activeProfileId)
    if (!active || consentFor(doc, userKey, active)) return null
    return consentText(active)
  }

  // ─── internals ────────────────────────────────────────────────────────────────────────

  private wrap(profile: StoredProfile, model: LanguageModel): LanguageModel {
    const idle = (this.deps.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS) * (profile.generation?.reasoningEffort === 'high' ? 3 : 1)
    const responses = profile.kind === 'openai' && (profile.api ?? 'responses') === 'responses'
    return wrapLanguageModel({
      model: model as Parameters<typeof wrapLanguageModel>[0]['model'],
      middleware: [
        callDefaultsMiddleware({ generation: profile.generation, ...(responses ? { openaiStore: profile.openaiStore ?? false } : {}) }),
        idleTimeoutMiddleware(idle)
      ]
    })
  }

  private consentedProfile(userKey: string, profileId: string): StoredProfile {
    const doc = this.doc()
    const profile = doc.profiles.find((p) => p.id === profileId)
    if (!profile) throw new Error('That provider profile no longer exists.')
    if (!consentFor(doc, userKey, profile)) {
      throw new ProviderNotReadyError(
        `Nothing is sent to ${profile.endpointHost} before you agree. Give your consent for ${providerDisplayName(profile.kind, profile.endpointHost)} first.`
      )
    }
    return profile
  }

  /** Reads the keychain only for what the profile says is there: no key, no keychain. */
  private async secretsOf(profile: StoredProfile): Promise<{ apiKey: string | null; headers: Record<string, string> | undefined }> {
    const apiKey = profile.hasApiKey ? await this.deps.secrets.get(profile.keyAccount) : null
    let headers: Record<string, string> | undefined
    if (profile.headerNames.length) {
      const raw = await this.deps.secrets.get(headersAccount(profile))
      try {
        headers = raw ? cleanHeaders(JSON.parse(raw) as Record<string, string>) : undefined
      } catch {
        headers = undefined
      }
    }
    return { apiKey, headers }
  }

  /** Stores the secrets (keychain first: if it fails, nothing else changes) and the profile. */
  private async commit(profile: StoredProfile, apiKey: string | undefined, headers: Record<string, string> | undefined, previous: StoredProfile | undefined): Promise<void> {
    if (apiKey) await this.deps.secrets.set(profile.keyAccount, apiKey)
    if (headers !== undefined) {
      if (Object.keys(headers).length) await this.deps.secrets.set(headersAccount(profile), JSON.stringify(headers))
      else if (previous?.headerNames.length) await this.deps.secrets.delete(headersAccount(previous))
    }
    // A key left behind for an endpoint this profile no longer uses is removed.
    if (previous && previous.keyAccount !== profile.keyAccount && previous.hasApiKey) await this.deps.secrets.delete(previous.keyAccount)
    const doc = this.doc()
    const profiles = doc.profiles.some((p) => p.id === profile.id) ? doc.profiles.map((p) => (p.id === profile.id ? profile : p)) : [...doc.profiles, profile]
    this.write({ ...doc, profiles, activeProfileId: profile.id })
  }

  private profileView(doc: ProvidersDoc, userKey: string | null, p: StoredProfile): ProviderProfileView {
    const consent = userKey ? consentFor(doc, userKey, p) : null
    return {
      id: p.id,
      label: p.label,
      kind: p.kind,
      name: providerDisplayName(p.kind, p.endpointHost),
      model: p.model,
      baseURL: p.baseURL,
      endpointHost: p.endpointHost,
      api: p.kind === 'openai' ? (p.api ?? 'responses') : null,
      hasApiKey: p.hasApiKey,
      headerNames: p.headerNames,
      organization: p.organization ?? null,
      project: p.project ?? null,
      openaiStore: p.openaiStore ?? false,
      generation: p.generation ?? {},
      local: isLocalHost(p.endpointHost),
      consent,
      ready: consent !== null,
      active: doc.activeProfileId === p.id
    }
  }

  private doc(): ProvidersDoc {
    const raw = this.store.read() as Partial<ProvidersDoc> & { active?: unknown }
    const profiles = Array.isArray(raw.profiles) ? raw.profiles.filter(isProfile) : []
    let activeProfileId = typeof raw.activeProfileId === 'string' ? raw.activeProfileId : null
    // Before profiles, one choice was stored as `active`; it becomes a profile with its old key.
    if (profiles.length === 0 && isLegacyChoice(raw.active)) {
      const legacy = fromLegacy(raw.active)
      if (legacy) {
        profiles.push(legacy)
        activeProfileId = legacy.id
      }
    }
    if (activeProfileId && !profiles.some((p) => p.id === activeProfileId)) activeProfileId = null
    return {
      profiles,
      activeProfileId,
      consents: Array.isArray(raw.consents) ? raw.consents : [],
      conversationProfiles: raw.conversationProfiles && typeof raw.conversationProfiles === 'object' ? raw.conversationProfiles : {}
    }
  }

  private write(doc: ProvidersDoc): void {
    // Written whole, so a migrated `active` (see doc()) is not read again.
    this.store.write({ ...doc, active: undefined })
  }
}

// ─── consent records: who, through one accessor ──────────────────────────────────────────

/** Who a consent record belongs to. The only place that reads the record's owner field, so the
 *  move from a CRM user id to a principal key is a change here and in the record's shape. */
function ownerOf(record: ConsentRecord): string {
  return record.userId
}

function sameConsent(a: ConsentRecord, b: ConsentRecord): boolean {
  return ownerOf(a) === ownerOf(b) && a.provider === b.provider && a.endpointHost === b.endpointHost
}

function consentFor(doc: ProvidersDoc, userKey: string, profile: Pick<StoredProfile, 'kind' | 'endpointHost'>): ConsentRecord | null {
  return (
    doc.consents.find(
      (c) => ownerOf(c) === userKey && c.provider === profile.kind && c.endpointHost === profile.endpointHost && c.wordingVersion === CONSENT_WORDING_VERSION
    ) ?? null
  )
}

// ─── helpers ──────────────────────────────────────────────────────────────────────────────

function headersAccount(profile: Pick<StoredProfile, 'keyAccount'>): string {
  return `${profile.keyAccount}#headers`
}

const HEADER_NAME = /^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,100}$/
/** Headers the provider clients set themselves (authentication, framing): a gateway header never replaces them. */
const RESERVED_HEADERS = new Set(['authorization', 'x-api-key', 'api-key', 'content-type', 'content-length', 'host', 'anthropic-version', 'openai-organization', 'openai-project', 'connection', 'transfer-encoding'])

function cleanHeaders(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [rawName, rawValue] of Object.entries(headers)) {
    const name = rawName.trim()
    if (!name) continue
    if (!HEADER_NAME.test(name)) throw new Error(`"${name}" is not a valid header name.`)
    if (RESERVED_HEADERS.has(name.toLowerCase())) throw new Error(`The header ${name} is set by Countersign itself; put a key in the API key field instead.`)
    const value = String(rawValue ?? '').trim()
    if (/[\r\n\0]/.test(value)) throw new Error(`The value of ${name} must be on one line.`)
    out[name] = value
  }
  return out
}

function openaiOptions(input: ProviderConfigInput, existing: StoredProfile | undefined): Partial<StoredProfile> {
  const pick = (value: string | undefined, previous: string | undefined) => (value === undefined ? previous : value.trim() || undefined)
  const organization = pick(input.organization, existing?.organization)
  const project = pick(input.project, existing?.project)
  return {
    ...(organization ? { organization } : {}),
    ...(project ? { project } : {}),
    openaiStore: input.openaiStore ?? existing?.openaiStore ?? false
  }
}

function defaultLabel(kind: RealProviderKind, endpointHost: string): string {
  return providerDisplayName(kind, endpointHost)
}

function modelConfig(profile: StoredProfile, apiKey: string | null, headers: Record<string, string> | undefined): ModelConfig {
  const common = { model: profile.model, baseURL: profile.baseURL, ...(headers && Object.keys(headers).length ? { headers } : {}) }
  switch (profile.kind) {
    case 'openai':
      return { kind: 'openai', ...common, apiKey: apiKey ?? '', api: profile.api ?? 'responses', organization: profile.organization, project: profile.project }
    case 'anthropic':
      return { kind: 'anthropic', ...common, apiKey: apiKey ?? '' }
    case 'deepseek':
      return { kind: 'deepseek', ...common, apiKey: apiKey ?? '' }
    case 'openai-compatible':
      return { kind: 'openai-compatible', ...common, ...(apiKey ? { apiKey } : {}) }
  }
}

function isProfile(value: unknown): value is StoredProfile {
  const p = value as StoredProfile
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof p.id === 'string' &&
    typeof p.kind === 'string' &&
    (p.kind as string) !== 'demo' &&
    p.kind in providerCatalogue &&
    typeof p.model === 'string' &&
    typeof p.baseURL === 'string' &&
    typeof p.endpointHost === 'string' &&
    typeof p.keyAccount === 'string' &&
    Array.isArray(p.headerNames)
  )
}

interface LegacyChoice {
  kind: ProviderKind
  model: string
  baseURL: string | null
  endpointHost: string | null
  api?: OpenAIApi
  hasApiKey: boolean
  at: number
}

function isLegacyChoice(value: unknown): value is LegacyChoice {
  return typeof value === 'object' && value !== null && typeof (value as LegacyChoice).kind === 'string' && typeof (value as LegacyChoice).model === 'string'
}

function fromLegacy(choice: LegacyChoice): StoredProfile | null {
  if (choice.kind === 'demo' || !(choice.kind in providerCatalogue) || !choice.baseURL || !choice.endpointHost) return null
  const kind = choice.kind as RealProviderKind
  return {
    id: 'p-legacy',
    label: defaultLabel(kind, choice.endpointHost),
    kind,
    model: choice.model,
    baseURL: choice.baseURL,
    endpointHost: choice.endpointHost,
    ...(kind === 'openai' ? { api: choice.api ?? 'responses', openaiStore: false } : {}),
    hasApiKey: Boolean(choice.hasApiKey),
    keyAccount: secretKeys.provider(kind, choice.endpointHost),
    headerNames: [],
    generation: {},
    at: typeof choice.at === 'number' ? choice.at : 0
  }
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

/** What the user agrees to: what is sent, to whom (named by host when Countersign cannot know the operator), under which terms. */
export function consentText(choice: { kind: ProviderKind; endpointHost: string | null }): ConsentText {
  if (choice.kind === 'demo') {
    return {
      wordingVersion: CONSENT_WORDING_VERSION,
      providerName: DEMO_DISPLAY_NAME,
      endpointHost: '',
      local: true,
      whatIsSent: ['Nothing: the demo assistant runs inside Countersign and sends no data anywhere'],
      termsUrl: null,
      receiver: 'this computer',
      operatorKnown: true
    }
  }
  const host = choice.endpointHost ?? ''
  const local = isLocalHost(host)
  const operator = endpointOperator(choice.kind, host)
  const info = providerCatalogue[choice.kind]
  let last: string
  if (local) {
    last = `It goes to ${host}, a server on this computer: nothing leaves your machine`
  } else if (operator.name) {
    const note = info.dataNote && operator.name === info.operator ? `. ${info.dataNote}` : ''
    last = `${operator.name} receives it at ${host} and processes it under its own terms${operator.termsUrl ? '' : ', which Countersign cannot show you'}${note}`
  } else {
    const api = choice.kind === 'openai-compatible' ? '' : ` This address is not ${info.operator}'s own endpoint: ${info.operator}'s terms apply only to what that server passes on to ${info.operator}.`
    last = `It goes to ${host}. Countersign does not know who operates that server or under which terms it keeps data: ask whoever gave you this address (for example your IT department).${api}`
  }
  return {
    wordingVersion: CONSENT_WORDING_VERSION,
    providerName: providerDisplayName(choice.kind, host),
    endpointHost: host,
    local,
    whatIsSent: [...WHAT_IS_SENT, last],
    termsUrl: operator.termsUrl,
    receiver: local ? 'this computer' : (operator.name ?? `the operator of ${host} (unknown to Countersign)`),
    operatorKnown: local || operator.name !== null
  }
}
