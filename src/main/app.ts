// Wires the services together. It decides nothing about which implementation runs: the
// composition roots (electron/index.ts, headless/host.ts) pass the adapters in.
import { join } from 'node:path'
import type { AppState, SettingsView } from '../shared/domain'
import { AbilityCatalog } from './abilities/catalog'
import { crmAbilities } from './abilities/crm-abilities'
import { checkAccess, type AccessRule } from './access/access'
import { AccountService } from './accounts/accounts'
import { ActionLedger, toView } from './actions/ledger'
import { Assistant, AssistantError, type AssistantDeps } from './assistant/assistant'
import { AuditLog } from './audit/audit-log'
import { ConversationStore, summaryOf, viewOf } from './conversations/store'
import type { CrmConnector } from './crm/types'
import { FanOutEventSink } from './ipc/events'
import type { Handlers } from './ipc/dispatch'
import type { Notifier } from './notify/types'
import { evaluatePolicy, type PolicyInput } from './policy/policy'
import type { ProviderService } from './providers/types'
import type { SecretStore } from './secrets/types'
import { SettingsService } from './settings/settings'
import type { JsonStoreFactory } from './storage/types'

export interface AppAdapters {
  dataDir: string
  stores: JsonStoreFactory
  secrets: SecretStore
  notifier: Notifier
  clock: () => number
  connectors: Record<'sample' | 'tryton', CrmConnector>
  providers: ProviderService
  sampleUsers: () => { login: string; name: string; role: string }[]
  /** The administrator's policy layer (IT-managed file or CRM organisation settings), when any. */
  adminPolicy?: () => PolicyInput['admin']
  /** Who may use the assistant, when an administrator restricts it. */
  accessRule?: () => AccessRule | null
  checkpoint?: AssistantDeps['checkpoint']
  sweepIntervalMs?: number
}

export type CountersignApp = ReturnType<typeof createApp>

export function createApp(adapters: AppAdapters) {
  const events = new FanOutEventSink()
  const problems: string[] = []
  const onCorrupt = (movedTo: string) => problems.push(`A damaged file was set aside as ${movedTo}; Countersign started fresh for that data.`)

  const settings = new SettingsService(adapters.stores, onCorrupt)
  const catalog = new AbilityCatalog(crmAbilities())
  const ledger = new ActionLedger({
    stores: adapters.stores,
    clock: adapters.clock,
    expiryHours: () => settings.expiryHours(),
    onChange: (action) => events.emit('action.changed', toView(action)),
    onCorrupt
  })
  const conversations = new ConversationStore(adapters.dataDir, adapters.clock, onCorrupt)
  const audit = new AuditLog(join(adapters.dataDir, 'audit', 'audit.jsonl'))
  const accessRule = adapters.accessRule ?? (() => null)
  const policyFor = (abilityName: string) => {
    const ability = catalog.get(abilityName)
    return evaluatePolicy({
      ability: ability && { name: ability.name, effect: ability.effect },
      userSettings: settings.confirmation(),
      admin: adapters.adminPolicy?.()
    })
  }

  const appState = (): AppState => {
    const user = accounts.user()
    const access = checkAccess(user, accessRule())
    return {
      user,
      account: accounts.active(),
      accounts: accounts.accounts(),
      sampleUsers: adapters.sampleUsers(),
      sessionProblem: accounts.sessionProblem() ?? (problems.length ? problems.join(' ') : null),
      provider: adapters.providers.view(user?.id ?? null),
      allowed: access.allowed,
      accessReason: access.reason
    }
  }
  const accounts: AccountService = new AccountService({
    stores: adapters.stores,
    secrets: adapters.secrets,
    connectors: adapters.connectors,
    onChange: () => events.emit('app.changed', appState()),
    onCorrupt
  })

  const assistant = new Assistant({
    conversations,
    ledger,
    catalog,
    accounts,
    providers: adapters.providers,
    policyFor,
    accessRule,
    audit,
    notifier: adapters.notifier,
    events,
    clock: adapters.clock,
    checkpoint: adapters.checkpoint
  })

  const settingsView = (): SettingsView => ({
    expiryHours: settings.expiryHours(),
    policy: catalog.list().map((ability) => {
      const decision = policyFor(ability.name)
      return {
        ability: { name: ability.name, title: ability.title, effect: ability.effect, description: ability.description, summary: ability.summary },
        setting: settings.confirmation()?.[ability.name] ?? 'default',
        decision: decision.decision,
        reason: decision.reason,
        lockedBy: decision.lockedBy
      }
    })
  })

  const currentUserId = () => accounts.user()?.id ?? null
  const afterSignIn = async () => {
    await assistant.recover()
    return appState()
  }

  const handlers: Handlers = {
    'app.getState': async () => appState(),
    'conversations.list': async () => {
      const userId = currentUserId()
      return userId ? conversations.list(userId).map(summaryOf) : []
    },
    'conversations.get': async ({ conversationId }) => {
      const conversation = conversations.get(conversationId)
      if (!conversation || conversation.userId !== currentUserId()) throw new AssistantError('not_found', 'No such conversation.')
      return viewOf(conversation)
    },
    'conversations.create': async () => summaryOf(assistant.createConversation()),
    'conversations.send': async ({ conversationId, text }) => {
      await assistant.send(conversationId, text)
      return { ok: true as const }
    },
    'conversations.stop': async ({ conversationId }) => {
      await assistant.stop(conversationId)
      return { ok: true as const }
    },
    'conversations.retry': async ({ conversationId }) => {
      await assistant.retry(conversationId)
      return { ok: true as const }
    },
    'actions.inbox': async () => {
      const userId = currentUserId()
      return ledger
        .inState('pending', 'outcome_unknown')
        .filter((a) => a.userId === userId)
        .sort((a, b) => b.createdAt - a.createdAt)
        .map(toView)
    },
    'actions.forConversation': async ({ conversationId }) => {
      const conversation = conversations.get(conversationId)
      if (!conversation || conversation.userId !== currentUserId()) return []
      return ledger.forConversation(conversationId).map(toView)
    },
    'actions.decide': (input) => assistant.decide(input),
    'actions.settle': (input) => assistant.settle(input),
    'settings.get': async () => settingsView(),
    'settings.setConfirmation': async ({ ability, setting }) => {
      if (!catalog.get(ability)) throw new AssistantError('not_found', `Unknown ability ${ability}.`)
      settings.setConfirmation(ability, setting)
      return settingsView()
    },
    'settings.setExpiryHours': async ({ hours }) => {
      settings.setExpiryHours(hours)
      return settingsView()
    },
    'accounts.signIn': async (input) => {
      await accounts.signIn(input)
      return afterSignIn()
    },
    'accounts.switch': async ({ accountId }) => {
      await accounts.switchTo(accountId)
      return afterSignIn()
    },
    'accounts.signOut': async ({ accountId }) => {
      await accounts.signOut(accountId)
      return appState()
    },
    'providers.get': async () => adapters.providers.view(currentUserId()),
    'providers.prepare': (input) => adapters.providers.prepare(input),
    'providers.consent': async ({ wordingVersion, endpointHost }) => {
      const userId = requireUserId()
      const view = await adapters.providers.consent(userId, wordingVersion, endpointHost)
      events.emit('app.changed', appState())
      return view
    },
    'providers.withdrawConsent': async () => {
      const view = await adapters.providers.withdraw(requireUserId())
      events.emit('app.changed', appState())
      return view
    },
    'providers.useDemo': async () => {
      const view = await adapters.providers.useDemo(requireUserId())
      events.emit('app.changed', appState())
      return view
    }
  }

  function requireUserId(): string {
    const id = currentUserId()
    if (!id) throw new AssistantError('not_signed_in', 'Sign in to your CRM first.')
    return id
  }

  let sweeper: NodeJS.Timeout | null = null
  return {
    handlers,
    events,
    assistant,
    ledger,
    conversations,
    accounts,
    audit,
    appState,
    async start() {
      await accounts.restore()
      await assistant.recover()
      sweeper = setInterval(() => assistant.sweep(), adapters.sweepIntervalMs ?? 60_000)
      sweeper.unref()
    },
    async stop() {
      if (sweeper) clearInterval(sweeper)
      await assistant.idle()
      conversations.flush()
    }
  }
}
