// Who may use the assistant at all. Administrators restrict it to users or groups; checked at
// proposal and again at execution. With no rule configured, every signed-in user may.
import type { SessionUser } from '../../shared/domain'

export interface AccessRule {
  source: string
  allowedLogins?: string[]
  allowedGroups?: string[]
}

export interface AccessDecision {
  allowed: boolean
  reason: string | null
}

export function checkAccess(user: SessionUser | null, rule: AccessRule | null): AccessDecision {
  if (!user) return { allowed: false, reason: 'Sign in to your CRM to use the assistant.' }
  if (!rule) return { allowed: true, reason: null }
  const byLogin = rule.allowedLogins?.includes(user.login) ?? false
  const byGroup = user.groups.some((g) => rule.allowedGroups?.includes(g))
  return byLogin || byGroup
    ? { allowed: true, reason: null }
    : { allowed: false, reason: `${rule.source} does not allow ${user.name} to use the assistant.` }
}
