// The handler for every request of the contract, in one map: a missing handler fails to compile.
// Handlers only translate requests into calls on the services; every request about data is
// answered for the signed-in principal only.
import type { SettingsView } from '../shared/domain'
import type { AbilityCatalog } from './abilities/catalog'
import type { ActivityService } from './activity/activity-service'
import type { AccountService } from './accounts/accounts'
import { queryInbox } from './actions/inbox-query'
import { toView, type ActionLedger } from './actions/ledger'
import { openExternalLink } from './links/external-link'
import type { Assistant } from './assistant/assistant'
import { deleteConversation, renameConversation, reusableEmptyConversation, searchConversations } from './conversations/manage'
import { summaryOf, viewOf, type ConversationStore } from './conversations/store'
import { AssistantError } from './errors'
import type { EventSink } from './ipc/events'
import type { Handlers } from './ipc/dispatch'
import type { OrganisationPolicy } from './policy/organisation'
import type { PolicyDecision } from './policy/policy'
import type { ProviderService } from './providers/types'
import type { SettingsService } from './settings/settings'
import type { AppState, SignedInUser } from '../shared/domain'

export interface HandlerDeps {
  assistant: Assistant
  accounts: AccountService
  ledger: ActionLedger
  conversations: ConversationStore
  catalog: AbilityCatalog
  settings: SettingsService
  providers: ProviderService
  organisation: OrganisationPolicy
  events: EventSink
  policyFor: (abilityName: string, user: SignedInUser) => PolicyDecision
  appState: () => AppState
  /** Opens a checked https address in the user's browser (Electron); absent in the headless host. */
  openExternal?: (url: string) => Promise<void>
  activity: ActivityService
  afterSignIn: () => Promise<AppState>
}

export function createHandlers(d: HandlerDeps): Handlers {
  const principal = () => d.accounts.user()?.principal ?? null
  const requireUser = (): SignedInUser => {
    const user = d.accounts.user()
    if (!user) throw new AssistantError('not_signed_in', 'Sign in to your CRM first.')
    return user
  }
  const settingsView = (): SettingsView => {
    const user = requireUser()
    const org = d.organisation.current()
    return {
      expiryHours: Math.min(d.settings.expiryHours(user.principal), org.maxApprovalHours?.hours ?? Infinity),
      policy: d.catalog.list().map((ability) => {
        const decision = d.policyFor(ability.name, user)
        return {
          ability: { name: ability.name, title: ability.title, effect: ability.effect, description: ability.description, summary: ability.summary },
          setting: d.settings.confirmation(user.principal)?.[ability.name] ?? 'default',
          decision: decision.decision,
          reason: decision.reason,
          lockedBy: decision.lockedBy,
          off: d.organisation.enabledAbilities([ability]).length === 0,
          mayTurnOff: !(ability.effect === 'write' && org.looseningLockedBy)
        }
      }),
      organisation: org.view
    }
  }
  const providerChanged = <T,>(result: T): T => {
    d.events.emit('app.changed', d.appState(), null)
    return result
  }
  const ownConversation = (conversationId: string): string => {
    const conversation = d.conversations.get(conversationId)
    if (!conversation || conversation.principal !== principal()) throw new AssistantError('not_found', 'No such conversation.')
    return conversationId
  }

  return {
    'app.openExternal': ({ url }) => openExternalLink(url, d.openExternal),
    'app.getState': async () => {
      await d.organisation.refreshCrm()
      return d.appState()
    },
    'conversations.list': async () => {
      const p = principal()
      return p ? d.conversations.list(p).map(summaryOf) : []
    },
    'conversations.get': async ({ conversationId }) => {
      const conversation = d.conversations.get(conversationId)
      if (!conversation || conversation.principal !== principal()) throw new AssistantError('not_found', 'No such conversation.')
      return viewOf(conversation)
    },
    // An untouched "New conversation" is reused, so empty entries do not pile up.
    'conversations.create': async () => {
      const p = requireUser().principal
      return summaryOf(reusableEmptyConversation(d.conversations, p) ?? d.assistant.createConversation())
    },
    'conversations.rename': async ({ conversationId, title }) => {
      const p = requireUser().principal
      const summary = renameConversation(d.conversations, p, conversationId, title)
      d.events.emit('conversation.changed', summary, p)
      return summary
    },
    'conversations.delete': async ({ conversationId }) => {
      const p = requireUser().principal
      await d.assistant.whileIdle(conversationId, async () => deleteConversation(d.conversations, d.ledger, p, conversationId))
      d.events.emit('conversation.removed', { conversationId }, p)
      return { ok: true as const }
    },
    'conversations.search': async ({ query }) => searchConversations(d.conversations, requireUser().principal, query),
    'conversations.send': async ({ conversationId, text }) => {
      await d.organisation.refreshCrm()
      await d.assistant.send(conversationId, text)
      return { ok: true as const }
    },
    'conversations.stop': async ({ conversationId }) => {
      await d.assistant.stop(conversationId)
      return { ok: true as const }
    },
    'conversations.keepStopped': async ({ conversationId, entryId }) => {
      await d.assistant.keepStopped(conversationId, entryId)
      return { ok: true as const }
    },
    'conversations.retry': async ({ conversationId }) => {
      await d.assistant.retry(conversationId)
      return { ok: true as const }
    },
    'actions.inbox': async () => {
      const p = principal()
      return d.ledger
        .inState('pending', 'outcome_unknown')
        .filter((a) => a.principal === p)
        .sort((a, b) => b.createdAt - a.createdAt)
        .map(toView)
    },
    'actions.inboxPage': async (input) => queryInbox(d.ledger, principal(), input),
    'actions.forConversation': async ({ conversationId }) => {
      const conversation = d.conversations.get(conversationId)
      if (!conversation || conversation.principal !== principal()) return []
      return d.ledger.forConversation(conversationId).map(toView)
    },
    'actions.decide': async (input) => {
      // The administrator's latest word applies at approval, not the one read at proposal.
      await d.organisation.refreshCrm()
      return d.assistant.decide(input)
    },
    'actions.settle': (input) => d.assistant.settle(input),
    'actions.edit': async (input) => {
      await d.organisation.refreshCrm()
      return d.assistant.edit(input)
    },
    'actions.askAgain': async ({ actionId }) => {
      await d.organisation.refreshCrm()
      return d.assistant.askAgain(actionId)
    },
    'settings.get': async () => {
      await d.organisation.refreshCrm()
      return settingsView()
    },
    'settings.setConfirmation': async ({ ability, setting }) => {
      const user = requireUser()
      const known = d.catalog.get(ability)
      if (!known) throw new AssistantError('not_found', `There is no ability called ${ability}.`)
      await d.organisation.refreshCrm()
      const lockedBy = d.organisation.current().looseningLockedBy
      if (setting === 'never' && known.effect === 'write' && lockedBy) {
        throw new AssistantError('not_allowed', `${capital(lockedBy)} does not let you turn confirmation off for changes.`)
      }
      d.settings.setConfirmation(user.principal, ability, setting)
      return settingsView()
    },
    'settings.setExpiryHours': async ({ hours }) => {
      const user = requireUser()
      await d.organisation.refreshCrm()
      const max = d.organisation.current().maxApprovalHours
      if (max && hours > max.hours) {
        throw new AssistantError('not_allowed', `${capital(max.setBy)} lets approvals wait at most ${max.hours} hours. Choose ${max.hours} or less.`)
      }
      d.settings.setExpiryHours(user.principal, hours)
      return settingsView()
    },
    'accounts.signIn': async (input) => {
      await d.accounts.signIn(input)
      return d.afterSignIn()
    },
    'accounts.switch': async ({ accountId }) => {
      await d.accounts.switchTo(accountId)
      return d.afterSignIn()
    },
    'accounts.signOut': async ({ accountId }) => {
      await d.accounts.signOut(accountId)
      return d.appState()
    },
    'providers.get': async () => d.providers.view(principal()),
    // Nothing of a choice is stored or used until consent; app.changed tells every window when it is.
    'providers.prepare': async (input) => providerChanged(await d.providers.prepare(requireUser().principal, input)),
    'providers.consent': async ({ wordingVersion, endpointHost }) => providerChanged(await d.providers.consent(requireUser().principal, wordingVersion, endpointHost)),
    'providers.cancel': async () => d.providers.cancel(requireUser().principal),
    'providers.select': async ({ profileId }) => providerChanged(await d.providers.select(requireUser().principal, profileId)),
    'providers.deleteProfile': async ({ profileId }) => providerChanged(await d.providers.deleteProfile(requireUser().principal, profileId)),
    'providers.withdrawConsent': async ({ profileId }) => providerChanged(await d.providers.withdraw(requireUser().principal, profileId)),
    'providers.useDemo': async () => providerChanged(await d.providers.useDemo(requireUser().principal)),
    'providers.listModels': async ({ profileId }) => d.providers.listModels(requireUser().principal, profileId),
    'providers.testConnection': async ({ profileId }) => d.providers.testConnection(requireUser().principal, profileId),
    'providers.conversationProfile': async ({ conversationId }) => {
      ownConversation(conversationId)
      return { profileId: d.providers.conversationProfile(conversationId) }
    },
    'providers.setConversationProfile': async ({ conversationId, profileId }) => {
      d.providers.setConversationProfile(requireUser().principal, ownConversation(conversationId), profileId)
      return { ok: true as const }
    },
    'admin.getPolicy': async () => d.organisation.adminView(),
    'admin.savePolicy': async ({ policy }) => d.organisation.save(policy),
    // Activity: always the signed-in person's own, never anyone else's.
    'activity.list': async ({ filters, cursor }) => d.activity.page(requireUser().principal, filters, cursor ?? null),
    'activity.verify': async () => {
      requireUser()
      return await d.activity.verify()
    },
    'activity.export': async ({ filters, format }) => d.activity.export(requireUser().principal, filters, format),
    'activity.settings': async () => d.activity.settings(requireUser().principal),
    'activity.setPrice': async ({ providerKind, model, inputPerMillion, outputPerMillion }) =>
      d.activity.setPrice(requireUser().principal, providerKind, model, { inputPerMillion, outputPerMillion }),
    'activity.removePrice': async ({ providerKind, model }) => d.activity.removePrice(requireUser().principal, providerKind, model),
    'activity.setRetentionDays': async ({ days }) => d.activity.setRetentionDays(requireUser().principal, days)
  }
}

function capital(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1)
}
