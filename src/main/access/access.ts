// Who may use the assistant at all. Administrators restrict it to users or groups; checked at
// proposal and again at execution. With no rule configured, every signed-in user may. Several
// administrators (IT and the CRM) each add a rule, and a user must pass every one of them.
import type { SessionUser } from '../../shared/domain'

export interface AccessRule {
  source: string
  allowedLogins?: string[]
  allowedGroups?: string[]
  /** Further rules (one per other policy source) that must also let the user in. */
  alsoRequired?: AccessRule[]
}

export interface AccessDecision {
  allowed: boolean
  reason: string | null
}

export function checkAccess(user: SessionUser | null, rule: AccessRule | null): AccessDecision {
  if (!user) return { allowed: false, reason: 'Sign in to your CRM to use the assistant.' }
  if (!rule) return { allowed: true, reason: null }
  for (const one of [rule, ...(rule.alsoRequired ?? [])]) {
    const byLogin = one.allowedLogins?.includes(user.login) ?? false
    const byGroup = user.groups.some((g) => one.allowedGroups?.includes(g))
    if (!byLogin && !byGroup) {
      return { allowed: false, reason: `${capital(one.source)} does not allow ${user.name} to use the assistant. ${capital(one.source)} decides who may use it.` }
    }
  }
  return { allowed: true, reason: null }
}

/** One rule that lets a user in only when every given rule does; null when none restricts. */
export function allOf(rules: (AccessRule | null | undefined)[]): AccessRule | null {
  const present = rules.filter((r): r is AccessRule => Boolean(r))
  if (present.length === 0) return null
  const [first, ...rest] = present
  return { ...first, alsoRequired: [...(first.alsoRequired ?? []), ...rest] }
}

function capital(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1)
}
