// Which AI providers an organisation allows. Pure functions over one source's rule, and a thin
// guard around the provider service so a forbidden provider is refused before a byte is sent,
// at the time of use, not only when it was chosen. Kept apart from src/main/providers so the
// provider code stays free of policy.
import type { ProviderKind } from '../../../shared/domain'
import type { ProviderPolicy } from '../../../shared/org-policy'
import { ProviderNotReadyError, type ProviderService } from '../../providers/types'

export interface ProviderChoice {
  kind: ProviderKind
  /** undefined or empty: the provider's own endpoint. */
  baseURL?: string | null
  model: string
}

export interface ProviderRule {
  /** Who set it, as people read it. */
  source: string
  rule: ProviderPolicy
}

/** The public endpoints an entry without a baseURL stands for. */
const OWN_HOSTS: Record<string, string> = { openai: 'api.openai.com', anthropic: 'api.anthropic.com' }

function normalisedURL(url: string | null | undefined): string | null {
  if (!url || !url.trim()) return null
  try {
    const u = new URL(url.trim())
    return `${u.protocol}//${u.host.toLowerCase()}${u.pathname.replace(/\/+$/, '')}`
  } catch {
    return url.trim()
  }
}

function hostOf(url: string | null): string | null {
  if (!url) return null
  try {
    return new URL(url).hostname.toLowerCase().replace(/^\[|\]$/g, '')
  } catch {
    return null
  }
}

/** True when the endpoint is this machine: nothing leaves it. */
export function isLocalEndpoint(baseURL: string | null | undefined): boolean {
  const host = hostOf(normalisedURL(baseURL))
  if (!host) return false
  return host === 'localhost' || host.endsWith('.localhost') || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host)
}

function sameEndpoint(kind: ProviderKind, ruleURL: string | undefined, chosen: string | null | undefined): boolean {
  const want = normalisedURL(ruleURL)
  const got = normalisedURL(chosen)
  if (want) return want === got
  if (kind === 'openai-compatible') return true
  // No endpoint named: the provider's own public endpoint.
  return got === null || hostOf(got) === OWN_HOSTS[kind]
}

/** Whether one source's rule allows this provider, endpoint and model, and if not, why. */
export function providerAllowed(rule: ProviderPolicy | undefined, choice: ProviderChoice): { allowed: boolean; reason: string | null } {
  if (choice.kind === 'demo') return { allowed: true, reason: null } // runs inside the app; sends nothing
  if (!rule) return { allowed: true, reason: null }
  const describe = `${choice.kind} ${choice.model}${choice.baseURL ? ` at ${hostOf(normalisedURL(choice.baseURL)) ?? choice.baseURL}` : ''}`
  if (rule.preset) {
    const p = rule.preset
    const match = p.kind === choice.kind && p.model === choice.model && sameEndpoint(p.kind, p.baseURL, choice.baseURL) && (p.baseURL !== undefined || p.kind !== 'openai-compatible' || !!choice.baseURL)
    return match
      ? { allowed: true, reason: null }
      : { allowed: false, reason: `Only ${p.kind} ${p.model}${p.baseURL ? ` at ${hostOf(normalisedURL(p.baseURL))}` : ''} is allowed, not ${describe}.` }
  }
  const local = isLocalEndpoint(choice.baseURL)
  if (local && rule.allowLocal === false) return { allowed: false, reason: `A server on this computer is not allowed (${describe}).` }
  if (local && rule.allowLocal === true) return { allowed: true, reason: null }
  if (!rule.allowed) return { allowed: true, reason: null }
  const ok = rule.allowed.some(
    (entry) => entry.kind === choice.kind && sameEndpoint(entry.kind, entry.baseURL, choice.baseURL) && (!entry.models || entry.models.includes(choice.model))
  )
  return ok ? { allowed: true, reason: null } : { allowed: false, reason: `${capital(describe)} is not on the list of allowed providers.` }
}

/** Every source must allow it (the intersection). The reason names the source that refused. */
export function providersAllow(rules: readonly ProviderRule[], choice: ProviderChoice): { allowed: boolean; reason: string | null } {
  for (const { source, rule } of rules) {
    const one = providerAllowed(rule, choice)
    if (!one.allowed) return { allowed: false, reason: `${capital(source)} does not allow this AI provider: ${one.reason}` }
  }
  return { allowed: true, reason: null }
}

/** Provider kinds for which some choice could pass every rule: what Settings offers. */
export function offeredKinds(rules: readonly ProviderRule[]): Exclude<ProviderKind, 'demo'>[] {
  const kinds = ['openai', 'anthropic', 'deepseek', 'openai-compatible'] as const
  return kinds.filter((kind) =>
    rules.every(({ rule }) => {
      if (rule.preset) return rule.preset.kind === kind
      if (kind === 'openai-compatible' && rule.allowLocal === true) return true
      return !rule.allowed || rule.allowed.some((e) => e.kind === kind)
    })
  )
}

/** Plain words for one source's provider rule, for Settings. */
export function describeProviderRule({ source, rule }: ProviderRule): string[] {
  const out: string[] = []
  if (rule.preset) out.push(`${capital(source)} set the provider everyone uses: ${rule.preset.kind} ${rule.preset.model}${rule.preset.baseURL ? ` at ${hostOf(normalisedURL(rule.preset.baseURL))}` : ''}.`)
  if (rule.allowed) {
    const list = rule.allowed.map((e) => `${e.kind}${e.baseURL ? ` at ${hostOf(normalisedURL(e.baseURL))}` : ''}${e.models ? ` (${e.models.join(', ')})` : ''}`)
    out.push(`${capital(source)} allows only: ${list.join('; ')}.`)
  }
  if (rule.allowLocal === false) out.push(`${capital(source)} does not allow a server on this computer.`)
  if (rule.allowLocal === true) out.push(`${capital(source)} allows a server on this computer.`)
  return out
}

/**
 * The provider service the assistant uses: the same, except that `resolve` refuses a provider
 * the organisation does not allow (ProviderNotReadyError, so nothing is sent) and `prepare`
 * refuses to store such a choice.
 */
export function guardProviders(inner: ProviderService, rules: () => readonly ProviderRule[]): ProviderService {
  const check = (choice: ProviderChoice) => {
    const verdict = providersAllow(rules(), choice)
    if (!verdict.allowed) throw new ProviderNotReadyError(`${verdict.reason} Choose another provider in Settings → AI provider.`)
  }
  /** The profile a request would use: the one named, or the one in use; null for the demo. */
  const profileOf = (userKey: string, profileId?: string | null): ProviderChoice | null => {
    const view = inner.view(userKey)
    const id = profileId ?? view.activeProfileId ?? null
    const profile = id ? view.profiles?.find((p) => p.id === id) : null
    if (profile) return profile.kind === 'demo' ? null : { kind: profile.kind, baseURL: profile.baseURL, model: profile.model }
    return view.kind === 'demo' || profileId === 'demo' ? null : { kind: view.kind, baseURL: view.baseURL, model: view.model }
  }
  return {
    view: (userKey) => inner.view(userKey),
    async resolve(userKey, profileId) {
      const choice = profileOf(userKey, profileId)
      if (choice) check(choice)
      return inner.resolve(userKey, profileId)
    },
    async prepare(userKey, input) {
      check({ kind: input.kind, baseURL: input.baseURL ?? null, model: input.model })
      return inner.prepare(userKey, input)
    },
    consent: (userKey, wording, host) => inner.consent(userKey, wording, host),
    cancel: (userKey) => inner.cancel(userKey),
    async select(userKey, profileId) {
      const choice = profileOf(userKey, profileId)
      if (choice) check(choice)
      return inner.select(userKey, profileId)
    },
    deleteProfile: (userKey, profileId) => inner.deleteProfile(userKey, profileId),
    withdraw: (userKey, profileId) => inner.withdraw(userKey, profileId),
    useDemo: (userKey) => inner.useDemo(userKey),
    async listModels(userKey, profileId) {
      const choice = profileOf(userKey, profileId)
      if (choice) check(choice)
      return inner.listModels(userKey, profileId)
    },
    async testConnection(userKey, profileId) {
      const choice = profileOf(userKey, profileId)
      if (choice) check(choice)
      return inner.testConnection(userKey, profileId)
    },
    conversationProfile: (conversationId) => inner.conversationProfile(conversationId),
    setConversationProfile: (userKey, conversationId, profileId) => inner.setConversationProfile(userKey, conversationId, profileId),
    claimLegacy: inner.claimLegacy ? (bare, principal) => inner.claimLegacy!(bare, principal) : undefined
  }
}

function capital(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1)
}
