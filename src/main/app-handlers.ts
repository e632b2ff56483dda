// The handler for every request of the contract, in one map: a missing handler fails to compile.
// Handlers only translate requests into calls on the services; every request about data is
// answered for the signed-in principal only.
import type { SettingsView } from '../shared/domain'
import type { AbilityCatalog } from './abilities/catalog'
import type { ActivityService } from './activity/activity-service'
import type { AccountService } from './accounts/accounts'
import { toView, type ActionLedger } from './actions/ledger'
import type { Assistant } from './assistant/assistant'
import { summaryOf, viewOf, type ConversationStore } from './conversations/store'
import { AssistantError } from './errors'
import type { EventSink } from './ipc/events'
import type { Handlers } from './ipc/dispatch'
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
  events: EventSink
  policyFor: (abilityName: string, user: SignedInUser) => PolicyDecision
  appState: () => AppState
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
    return {
      expiryHours: d.settings.expiryHours(user.principal),
      policy: d.catalog.list().map((ability) => {
        const decision = d.policyFor(ability.name, user)
        return {
          ability: { name: ability.name, title: ability.title, effect: ability.effect, description: ability.description, summary: ability.summary },
          setting: d.settings.confirmation(user.principal)?.[ability.name] ?? 'default',
          decision: decision.decision,
          reason: decision.reason,
          lockedBy: decision.lockedBy
        }
      })
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
    'app.getState': async () => d.appState(),
    'conversations.list': async () => {
      const p = principal()
      return p ? d.conversations.list(p).map(summaryOf) : []
    },
    'conversations.get': async ({ conversationId }) => {
      const conversation = d.conversations.get(conversationId)
      if (!conversation || conversation.principal !== principal()) throw new AssistantError('not_found', 'No such conversation.')
      return viewOf(conversation)
    },
    'conversations.create': async () => summaryOf(d.assistant.createConversation()),
    'conversations.send': async ({ conversationId, text }) => {
      await d.assistant.send(conversationId, text)
      return { ok: true as const }
    },
    'conversations.stop': async ({ conversationId }) => {
      await d.assistant.stop(conversationId)
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
    'actions.forConversation': async ({ conversationId }) => {
      const conversation = d.conversations.get(conversationId)
      if (!conversation || conversation.principal !== principal()) return []
      return d.ledger.forConversation(conversationId).map(toView)
    },
    'actions.decide': (input) => d.assistant.decide(input),
    'actions.settle': (input) => d.assistant.settle(input),
    'settings.get': async () => settingsView(),
    'settings.setConfirmation': async ({ ability, setting }) => {
      const user = requireUser()
      if (!d.catalog.get(ability)) throw new AssistantError('not_found', `There is no ability called ${ability}.`)
      d.settings.setConfirmation(user.principal, ability, setting)
      return settingsView()
    },
    'settings.setExpiryHours': async ({ hours }) => {
      d.settings.setExpiryHours(requireUser().principal, hours)
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
