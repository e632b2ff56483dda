// Combining the administrators' policies (IT and the CRM) into what the gate, the access check,
// the provider guard and Settings use. Pure. The strictest wins: deny over ask over allow, off
// over on, the intersection of who may use and of providers, the shortest expiry. A source that
// does not parse makes every ability ask, and is reported, never silently dropped.
import type { Effect } from '../../../shared/domain'
import { parseOrgPolicy, type OrganisationView, type OrgPolicy, type PolicySourceView } from '../../../shared/org-policy'
import { allOf, type AccessRule } from '../../access/access'
import type { AdminLayer, AdminRule } from '../policy'
import { describeProviderRule, offeredKinds, type ProviderRule } from './providers'
import type { RawPolicyRead } from './it-source'

export interface SourceRead {
  kind: 'it' | 'crm'
  /** Who sets it, as people read it: "your IT department". */
  label: string
  location: string
  read: RawPolicyRead
}

export interface PolicyProblem {
  source: string
  location: string
  error: string
}

export interface EffectivePolicy {
  layers: AdminLayer[]
  access: AccessRule | null
  providers: ProviderRule[]
  maxApprovalHours: { hours: number; setBy: string } | null
  /** Desktop updates as IT set them; null when IT says nothing (the app's own setting applies). */
  updates: { mode: 'off' } | { mode: 'feed'; url: string } | null
  /** Prices per provider kind and model; where two sources price the same model, the first listed (IT) wins. */
  prices: { providerKind: string; model: string; inputPerMillion: number; outputPerMillion: number }[]
  looseningLockedBy: string | null
  problems: PolicyProblem[]
  view: OrganisationView
}

export const IT_LABEL = 'your IT department'
export const CRM_LABEL = 'your CRM administrator'

export function combinePolicies(sources: readonly SourceRead[], abilities: readonly { name: string; effect: Effect }[]): EffectivePolicy {
  const layers: AdminLayer[] = []
  const access: AccessRule[] = []
  const providers: ProviderRule[] = []
  const problems: PolicyProblem[] = []
  const views: PolicySourceView[] = []
  let maxApprovalHours: EffectivePolicy['maxApprovalHours'] = null
  let looseningLockedBy: string | null = null
  let bulkConfirmAbove: { count: number; setBy: string } | null = null
  const prices: EffectivePolicy['prices'] = []
  let updates: EffectivePolicy['updates'] = null

  for (const source of sources) {
    const base = { kind: source.kind, label: source.label, location: source.location }
    if (source.read.status === 'none') {
      views.push({ ...base, status: 'none', detail: source.read.detail })
      continue
    }
    const parsed = source.read.status === 'found' ? parseOrgPolicy(source.read.document) : { ok: false as const, error: source.read.detail }
    if (!parsed.ok) {
      problems.push({ source: source.label, location: source.location, error: parsed.error })
      views.push({ ...base, status: 'error', detail: parsed.error })
      const why = `Its policy (${source.location}) could not be used: ${parsed.error}. Until it is fixed, everything asks first.`
      layers.push({ source: source.label, rules: {}, defaultRule: 'ask', reasons: Object.fromEntries(abilities.map((a) => [a.name, why])) })
      continue
    }
    views.push({ ...base, status: 'active', detail: null })
    const policy = parsed.policy
    layers.push(layerOf(source.label, policy, abilities))
    if (policy.access) access.push({ source: source.label, allowedLogins: policy.access.users ?? [], allowedGroups: policy.access.groups ?? [] })
    if (policy.providers) providers.push({ source: source.label, rule: policy.providers })
    if (policy.maxApprovalHours !== undefined && (!maxApprovalHours || policy.maxApprovalHours < maxApprovalHours.hours)) {
      maxApprovalHours = { hours: policy.maxApprovalHours, setBy: source.label }
    }
    if (policy.usersMayLoosen === false) looseningLockedBy ??= source.label
    // Updates are the desktop's business: only IT's policy decides them.
    if (source.kind === 'it' && policy.updates) updates ??= policy.updates
    for (const p of policy.prices ?? []) {
      if (!prices.some((q) => q.providerKind === p.provider && q.model === p.model)) {
        prices.push({ providerKind: p.provider, model: p.model, inputPerMillion: p.inputPerMillion, outputPerMillion: p.outputPerMillion })
      }
    }
    if (policy.bulkConfirmAbove !== undefined && (!bulkConfirmAbove || policy.bulkConfirmAbove < bulkConfirmAbove.count)) {
      bulkConfirmAbove = { count: policy.bulkConfirmAbove, setBy: source.label }
    }
  }

  const preset = providers.find((p) => p.rule.preset)
  return {
    layers,
    access: allOf(access),
    providers,
    maxApprovalHours,
    prices,
    updates,
    looseningLockedBy,
    problems,
    view: {
      sources: views,
      maxApprovalHours,
      looseningLockedBy,
      bulkConfirmAbove,
      providers: {
        kinds: offeredKinds(providers),
        preset: preset?.rule.preset ? { ...preset.rule.preset, setBy: preset.source } : null,
        rules: providers.flatMap(describeProviderRule)
      }
    }
  }
}

function layerOf(source: string, policy: OrgPolicy, abilities: readonly { name: string; effect: Effect }[]): AdminLayer {
  const rules: Record<string, AdminRule> = {}
  const reasons: Record<string, string> = {}
  const off: string[] = []
  for (const ability of abilities) {
    const own = policy.abilities?.[ability.name as keyof NonNullable<OrgPolicy['abilities']>]
    const rule = own?.confirmation ?? policy.defaults?.[ability.effect]
    if (rule) rules[ability.name] = rule
    if (own?.enabled === false) off.push(ability.name)
    if (own?.reason) reasons[ability.name] = own.reason
  }
  return { source, rules, off, reasons, ...(policy.usersMayLoosen === false ? { userMayLoosen: false } : {}) }
}

/** The abilities an organisation leaves switched on, in the given order: what the model is offered. */
export function enabledAbilities<T extends { name: string }>(abilities: readonly T[], layers: readonly AdminLayer[]): T[] {
  return abilities.filter((a) => !layers.some((l) => l.off?.includes(a.name)))
}
