// The policy gate: a pure function from (ability, settings) to allow | ask | deny, with a reason.
// Layers are combined by severity, so deny beats ask beats allow, and anything unknown asks.
// The administrator's layer (IT-managed policy or the CRM's organisation settings) is a separate
// input that the user's own settings can tighten but never loosen.
import type { ConfirmationSetting, Decision, Effect } from '../../shared/domain'

export type AdminRule = 'allow' | 'ask' | 'deny'

export interface PolicyInput {
  /** undefined when the model named an ability the catalog does not know. */
  ability: { name: string; effect: Effect } | undefined
  /** The user's "Require confirmation" choices; undefined when the settings could not be read. */
  userSettings: Readonly<Record<string, ConfirmationSetting>> | undefined
  /** The administrator's rules, by ability name; `source` names who set them, for the UI. */
  admin?: { source: string; rules: Readonly<Record<string, AdminRule>>; defaultRule?: AdminRule }
}

export interface PolicyDecision {
  decision: Decision
  reason: string
  /** Set when an administrator's ask or deny applies: the user may tighten it but not loosen it. */
  lockedBy: string | null
}

const SEVERITY: Record<Decision, number> = { allow: 0, ask: 1, deny: 2 }

function stricter(a: PolicyDecision, b: PolicyDecision): PolicyDecision {
  return SEVERITY[b.decision] > SEVERITY[a.decision] ? b : a
}

export function evaluatePolicy(input: PolicyInput): PolicyDecision {
  const { ability } = input
  if (!ability) return { decision: 'ask', reason: 'Unknown ability: confirmation required.', lockedBy: null }

  let result: PolicyDecision
  if (!input.userSettings) {
    result = { decision: 'ask', reason: 'Settings could not be read: confirmation required.', lockedBy: null }
  } else {
    const setting = input.userSettings[ability.name] ?? 'default'
    result = userDecision(ability.effect, setting)
  }

  const adminRule = input.admin ? (input.admin.rules[ability.name] ?? input.admin.defaultRule) : undefined
  if (input.admin && adminRule !== undefined && !Object.hasOwn(SEVERITY, adminRule)) {
    // A rule from a newer or mistyped policy file: treat it as "ask", never as nothing.
    return stricter(result, {
      decision: 'ask',
      reason: `${input.admin.source} set a rule Countersign does not recognise: confirmation required.`,
      lockedBy: input.admin.source
    })
  }
  if (input.admin && adminRule) {
    const admin: PolicyDecision = {
      decision: adminRule,
      reason:
        adminRule === 'deny'
          ? `Blocked by ${input.admin.source}.`
          : adminRule === 'ask'
            ? `${input.admin.source} requires confirmation.`
            : `Allowed by ${input.admin.source}.`,
      lockedBy: adminRule === 'allow' ? null : input.admin.source
    }
    result = stricter(result, admin)
    // Whatever the user chose, they cannot go below an administrator's ask or deny.
    if (adminRule !== 'allow') result = { ...result, lockedBy: input.admin.source }
  }
  return result
}

function userDecision(effect: Effect, setting: ConfirmationSetting): PolicyDecision {
  switch (setting) {
    case 'always':
      return { decision: 'ask', reason: 'You asked to confirm this ability every time.', lockedBy: null }
    case 'never':
      return { decision: 'allow', reason: 'You turned confirmation off for this ability.', lockedBy: null }
    case 'default':
      return effect === 'read'
        ? { decision: 'allow', reason: 'Reads run without confirmation.', lockedBy: null }
        : { decision: 'ask', reason: 'Changes to your CRM need your approval.', lockedBy: null }
    default:
      return { decision: 'ask', reason: 'Unrecognised setting: confirmation required.', lockedBy: null }
  }
}
