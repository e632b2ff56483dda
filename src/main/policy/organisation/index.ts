// The organisation policy: sources (IT, CRM), how they combine, and the provider rules.
export { combinePolicies, enabledAbilities, CRM_LABEL, IT_LABEL, type EffectivePolicy, type PolicyProblem, type SourceRead } from './combine'
export { defaultManagedPolicySource, jsonFileSource, plistFileSource, registrySource, APP_ID, type ManagedPolicySource, type RawPolicyRead } from './it-source'
export { guardProviders, offeredKinds, providerAllowed, providersAllow, isLocalEndpoint, type ProviderChoice, type ProviderRule } from './providers'
export { OrganisationPolicy, type OrganisationPolicyDeps } from './service'
export { EnabledAbilityCatalog } from './catalog-view'
