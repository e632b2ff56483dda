// The organisation policy: one format for every source (IT-managed file, macOS managed
// preferences, Windows registry, the CRM's administrator). This zod schema is what main parses
// with; resources/policy.schema.json is its JSON Schema twin for administrators' editors, and a
// unit test keeps the two in step. Unknown keys and unknown ability names are errors, never
// ignored: a typo must not silently leave an ability unguarded.
import { z } from 'zod'

import { ABILITY_NAMES } from './ability-names'

export { ABILITY_NAMES, type AbilityName } from './ability-names'

export const ruleSchema = z.enum(['allow', 'ask', 'deny'])
export type OrgRule = z.infer<typeof ruleSchema>

const abilityRuleSchema = z
  .object({
    /** false: the ability is not offered to the model and is refused if called. */
    enabled: z.boolean().optional().describe('false: the ability is not offered to the model at all and is refused if called.'),
    /** allow: may run without asking (the user can still ask); ask: always needs approval; deny: never runs. */
    confirmation: ruleSchema.optional().describe('allow: may run without asking (users can still choose to be asked); ask: always waits for approval; deny: never runs.'),
    /** Shown to people when this rule stops or pauses something. */
    reason: z.string().min(1).max(500).optional().describe('Shown to people when this rule stops or pauses something.')
  })
  .strict()

const name = z.string().trim().min(1).max(200)

const providerRefSchema = z.enum(['openai', 'anthropic', 'deepseek', 'openai-compatible'])

const allowedProviderSchema = z
  .object({
    kind: providerRefSchema,
    /** Without it: the provider's own public endpoint (any endpoint for openai-compatible). */
    baseURL: z.string().url().max(500).optional().describe("Without it: the provider's own public endpoint (any endpoint for openai-compatible)."),
    /** Without it: any model. */
    models: z.array(name).min(1).max(100).optional().describe('Without it: any model.')
  })
  .strict()

const presetSchema = z
  .object({
    kind: providerRefSchema,
    baseURL: z.string().url().max(500).optional(),
    model: name
  })
  .strict()

export const orgPolicySchema = z
  .object({
    $schema: z.string().max(500).optional(),
    /** Per ability, by name. */
    abilities: z.partialRecord(z.enum(ABILITY_NAMES), abilityRuleSchema).optional().describe('Rules per ability, by name.'),
    /** The rule for abilities not listed under `abilities`, by kind. */
    defaults: z.object({ read: ruleSchema.optional(), write: ruleSchema.optional() }).strict().optional().describe('The rule for abilities not listed under abilities, by kind.'),
    /** Who may use the assistant at all. Absent: everyone who can sign in to the CRM. */
    access: z
      .object({
        users: z.array(name).max(10_000).optional(),
        groups: z.array(name).max(1_000).optional()
      })
      .strict()
      .optional()
      .describe('Who may use the assistant at all: these CRM logins and members of these CRM groups. Absent: everyone who can sign in.'),
    providers: z
      .object({
        /** Absent: any provider. Present: only these. */
        allowed: z.array(allowedProviderSchema).max(100).optional().describe('Absent: any provider. Present: only these.'),
        /** A server on this computer (Ollama, LM Studio…): true allows it, false forbids it. */
        allowLocal: z.boolean().optional().describe('A server on this computer (Ollama, LM Studio, vLLM): true allows it even if not listed, false forbids it.'),
        /** One provider the whole company uses: nothing else is allowed. */
        preset: presetSchema.optional().describe('One provider the whole company uses; nothing else is allowed.')
      })
      .strict()
      .optional(),
    /** The longest an approval may wait, in hours. Users can shorten it, never lengthen it. */
    maxApprovalHours: z.number().int().min(1).max(24 * 14).optional().describe('The longest an approval may wait, in hours. Users can shorten it, never lengthen it.'),
    /** Desktop updates (IT only): off, or a generic feed at an https address. A CRM's setting is ignored. */
    updates: z
      .discriminatedUnion('mode', [
        z.object({ mode: z.literal('off') }).strict(),
        z.object({ mode: z.literal('feed'), url: z.string().url().max(500).regex(/^https:\/\//, 'must be an https address') }).strict()
      ])
      .optional()
      .describe('Desktop updates, set by IT only: {"mode":"off"} or {"mode":"feed","url":"https://…"} (electron-builder generic feed).'),
    /** What each model costs, per million tokens; shown on the Activity screen and preferred over anyone's own prices. */
    prices: z
      .array(
        z
          .object({
            provider: z.enum(['openai', 'anthropic', 'deepseek', 'openai-compatible', 'demo']),
            model: z.string().min(1).max(200),
            inputPerMillion: z.number().min(0).max(100_000),
            outputPerMillion: z.number().min(0).max(100_000)
          })
          .strict()
      )
      .max(200)
      .optional()
      .describe('What each model costs, in your currency per million tokens (input and output). These win over the defaults and over anyone’s own prices.'),
    /** Approving or declining more than this many actions at once asks for one more confirmation. */
    bulkConfirmAbove: z.number().int().min(1).max(1000).optional().describe('Deciding more than this many actions at once from the inbox asks for a second confirmation (default 10).'),
    /** false: users cannot turn confirmation off for any change (they may still add confirmations). */
    usersMayLoosen: z.boolean().optional().describe('false: users cannot turn confirmation off for changes (they may still add confirmations).')
  })
  .strict()

export type OrgPolicy = z.infer<typeof orgPolicySchema>
export type AllowedProvider = z.infer<typeof allowedProviderSchema>
export type ProviderPreset = z.infer<typeof presetSchema>
export type ProviderPolicy = NonNullable<OrgPolicy['providers']>

/** Parses a policy document; the error names the first problem and where it is. */
export function parseOrgPolicy(input: unknown): { ok: true; policy: OrgPolicy } | { ok: false; error: string } {
  const parsed = orgPolicySchema.safeParse(input)
  if (parsed.success) return { ok: true, policy: parsed.data }
  const issue = parsed.error.issues[0]
  const where = issue.path.length ? issue.path.join('.') : 'the document'
  return { ok: false, error: `${where}: ${issue.message}` }
}

/** What a policy source reported, for Settings and the banner. */
export const policySourceViewSchema = z.object({
  kind: z.enum(['it', 'crm']),
  /** Who set it, as people read it: "your IT department", "your CRM administrator". */
  label: z.string(),
  /** Where it was read: a file, a registry key, the CRM. */
  location: z.string(),
  status: z.enum(['none', 'active', 'error']),
  /** For 'none': why there is none; for 'error': what is wrong. */
  detail: z.string().nullable()
})
export type PolicySourceView = z.infer<typeof policySourceViewSchema>

/** The organisation's rules as Settings shows them. */
export const organisationViewSchema = z.object({
  sources: z.array(policySourceViewSchema),
  /** The longest an approval may wait, and who set it; null when nobody limits it. */
  maxApprovalHours: z.object({ hours: z.number(), setBy: z.string() }).nullable(),
  /** Who stops users from turning confirmation off, when someone does. */
  looseningLockedBy: z.string().nullable(),
  /** Above this many actions decided at once, a second confirmation; the lowest any source sets. */
  bulkConfirmAbove: z.object({ count: z.number(), setBy: z.string() }).nullable().optional(),
  providers: z.object({
    /** Provider kinds that may be chosen at all. */
    kinds: z.array(providerRefSchema),
    preset: presetSchema.extend({ setBy: z.string() }).nullable(),
    /** Plain words for the restrictions in force, empty when there are none. */
    rules: z.array(z.string())
  })
})
export type OrganisationView = z.infer<typeof organisationViewSchema>

/** What the Administration screen reads and saves. */
export const adminPolicyViewSchema = z.object({
  policy: orgPolicySchema,
  /** Set when the stored policy does not parse: the screen starts from an empty policy. */
  storedProblem: z.string().nullable(),
  updatedBy: z.string().nullable(),
  updatedAt: z.string().nullable(),
  directory: z.object({
    users: z.array(z.object({ login: z.string(), name: z.string() })),
    groups: z.array(z.string())
  })
})
export type AdminPolicyView = z.infer<typeof adminPolicyViewSchema>
