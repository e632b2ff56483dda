// The policy gate: a pure function from (ability, settings) to allow | ask | deny, with a reason.
// Layers are combined by severity, so deny beats ask beats allow, and anything unknown asks.
// The administrators' layers (IT-managed policy, the CRM's organisation policy) are separate
// inputs that the user's own settings can tighten but never loosen.
import type { ConfirmationSetting, Decision, Effect } from '../../shared/domain'

export type AdminRule = 'allow' | 'ask' | 'deny'

/** One administrator's rules (IT or the CRM). */
export interface AdminLayer {
  /** Who set them, as people read it ("your IT department"); shown in reasons and in Settings. */
  source: string
  rules: Readonly<Record<string, AdminRule>>
  defaultRule?: AdminRule
  /** Abilities this source switched off: refused if called (and not offered to the model). */
  off?: readonly string[]
  /** false: the user's "Never ask" for a change is not honoured. */
  userMayLoosen?: boolean
  /** The administrator's own words for a rule, by ability name. */
  reasons?: Readonly<Record<string, string>>
}

export interface PolicyInput {
  /** undefined when the model named an ability the catalog does not know. */
  ability: { name: string; effect: Effect } | undefined
  /** The user's "Require confirmation" choices; undefined when the settings could not be read. */
  userSettings: Readonly<Record<string, ConfirmationSetting>> | undefined
  /** The administrators' rules: one layer or several (IT and the CRM), strictest wins. */
  admin?: AdminLayer | readonly AdminLayer[]
}

export interface PolicyDecision {
  decision: Decision
  reason: string
  /** Set when an administrator's ask or deny applies: the user may tighten it but not loosen it. */
  lockedBy: string | null
}

const SEVERITY: Record<Decision, number> = { allow: 0, ask: 1, deny: 2 }

/** An administrator's ask or deny also gives the reason when it ties: it is the one that binds. */
function adminOver(current: PolicyDecision, admin: PolicyDecision): PolicyDecision {
  if (SEVERITY[admin.decision] > SEVERITY[current.decision]) return admin
  return SEVERITY[admin.decision] === SEVERITY[current.decision] && current.lockedBy === null && admin.decision !== 'allow' ? admin : current
}

export function layersOf(admin: PolicyInput['admin']): readonly AdminLayer[] {
  if (!admin) return []
  return Array.isArray(admin) ? (admin as readonly AdminLayer[]) : [admin as AdminLayer]
}

export function evaluatePolicy(input: PolicyInput): PolicyDecision {
  const { ability } = input
  if (!ability) return { decision: 'ask', reason: 'Unknown ability: confirmation required.', lockedBy: null }
  const layers = layersOf(input.admin)

  let result: PolicyDecision
  if (!input.userSettings) {
    result = { decision: 'ask', reason: 'Settings could not be read: confirmation required.', lockedBy: null }
  } else {
    const setting = input.userSettings[ability.name] ?? 'default'
    const barredBy = layers.find((l) => l.userMayLoosen === false)
    if (setting === 'never' && ability.effect === 'write' && barredBy) {
      result = { decision: 'ask', reason: `${capital(barredBy.source)} does not let you turn confirmation off for changes.`, lockedBy: null }
    } else {
      result = userDecision(ability.effect, setting)
    }
  }

  let locked: string | null = null
  for (const layer of layers) {
    const said = layer.reasons?.[ability.name]
    const because = said ? ` ${said}` : ''
    if (layer.off?.includes(ability.name)) {
      result = adminOver(result, { decision: 'deny', reason: `${capital(layer.source)} switched this ability off.${because}`, lockedBy: layer.source })
      locked ??= layer.source
      continue
    }
    const adminRule = layer.rules[ability.name] ?? layer.defaultRule
    if (adminRule === undefined) continue
    if (!Object.hasOwn(SEVERITY, adminRule)) {
      // A rule from a newer or mistyped policy: treat it as "ask", never as nothing.
      result = adminOver(result, {
        decision: 'ask',
        reason: `${capital(layer.source)} set a rule Countersign does not recognise: confirmation required.`,
        lockedBy: layer.source
      })
      locked ??= layer.source
      continue
    }
    const admin: PolicyDecision = {
      decision: adminRule,
      reason:
        adminRule === 'deny'
          ? `Blocked by ${layer.source}.${because}`
          : adminRule === 'ask'
            ? `${capital(layer.source)} requires confirmation.${because}`
            : `Allowed by ${layer.source}.`,
      lockedBy: adminRule === 'allow' ? null : layer.source
    }
    result = adminOver(result, admin)
    // Whatever the user chose, they cannot go below an administrator's ask or deny.
    if (adminRule !== 'allow') locked ??= layer.source
  }
  if (locked) {
    // The lock names the source whose rule decided, when it was an administrator's.
    const decidedBy = result.lockedBy ?? locked
    result = { ...result, lockedBy: decidedBy }
  }
  return result
}

function capital(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1)
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
