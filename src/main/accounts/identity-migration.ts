// Before identities were principals, data was stored under the bare CRM user id. The first time
// an account signs in, what was stored under its user id becomes its principal's, once; from then
// on nothing is keyed by a bare id. (Two accounts that shared a bare id before this change cannot
// be told apart in old data: the first of them to sign in receives it.)
import type { SignedInUser } from '../../shared/domain'
import type { ActionLedger } from '../actions/ledger'
import type { ConversationStore } from '../conversations/store'
import type { ProviderService } from '../providers/types'
import type { SettingsService } from '../settings/settings'

export function migrateLegacyIdentity(
  user: SignedInUser,
  stores: { conversations: ConversationStore; ledger: ActionLedger; settings: SettingsService; providers: ProviderService }
): void {
  stores.conversations.claimLegacy(user.id, user.principal)
  stores.ledger.claimLegacy(user.id, user.principal)
  stores.settings.claimLegacy(user.principal)
  stores.providers.claimLegacy?.(user.id, user.principal)
}

/** How a record saved under a bare CRM user id is held until its principal signs in: never a valid principal key. */
export function legacyOwner(bareUserId: string): string {
  return `legacy:${bareUserId}`
}

/** A stored record with `userId` and no `principal` (an older build's) is given its legacy owner; others are returned as they are. */
export function withLegacyOwner(raw: unknown): unknown {
  if (!raw || typeof raw !== 'object' || 'principal' in raw) return raw
  const { userId, ...rest } = raw as Record<string, unknown>
  return typeof userId === 'string' ? { ...rest, principal: legacyOwner(userId) } : raw
}
