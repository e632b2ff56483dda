// Wires the services together. It decides nothing about which implementation runs: the
// composition roots (electron/index.ts, headless/host.ts) pass the adapters in.
import { join } from 'node:path'
import type { AppState, SignedInUser } from '../shared/domain'
import { AbilityCatalog } from './abilities/catalog'
import { crmAbilities } from './abilities/crm-abilities'
import { ActivityService } from './activity/activity-service'
import { PriceTable, type Price } from './activity/prices'
import { allOf, checkAccess, type AccessRule } from './access/access'
import { AccountService } from './accounts/accounts'
import { migrateLegacyIdentity } from './accounts/identity-migration'
import { describeLedgerDamage } from './actions/damage-report'
import { ActionLedger, toView, type LedgerDamage } from './actions/ledger'
import { createHandlers } from './app-handlers'
import { Assistant, type AssistantDeps } from './assistant/assistant'
import { AuditLog } from './audit/audit-log'
import { reconcileAudit } from './audit/reconcile'
import { ConversationStore } from './conversations/store'
import type { CrmConnector } from './crm/types'
import { FanOutEventSink } from './ipc/events'
import { LocalLog } from './logging/local-log'
import type { Notifier } from './notify/types'
import { EnabledAbilityCatalog, guardProviders, OrganisationPolicy, type ManagedPolicySource } from './policy/organisation'
import { evaluatePolicy, layersOf, type PolicyInput } from './policy/policy'
import type { ProviderService } from './providers/types'
import type { SecretStore } from './secrets/types'
import { SettingsService } from './settings/settings'
import { removeStaleTempFiles } from './storage/temp-files'
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
  /** The IT department's policy for managed desktops (a file, managed preferences, the registry). */
  managedPolicy?: ManagedPolicySource
  checkpoint?: AssistantDeps['checkpoint']
  sweepIntervalMs?: number
  /** Opens a checked https link in the system browser (Electron). Absent in the headless host. */
  openExternal?: (url: string) => Promise<void>
  /** Prices the organisation's policy sets, when it sets any (they win over defaults and the user's own). */
  organisationPrices?: () => readonly (Price & { providerKind: string; model: string })[]
}

export type CountersignApp = ReturnType<typeof createApp>

export function createApp(adapters: AppAdapters) {
  const log = new LocalLog(join(adapters.dataDir, 'logs', 'countersign.log'), adapters.clock)
  // Files a crash left half-written are never read; they are removed before anything opens.
  removeStaleTempFiles(adapters.dataDir)
  const catalog = new AbilityCatalog(crmAbilities())
  const problems: string[] = []
  const onCorrupt = (what: string) => problems.push(what)
  const ledgerDamage: LedgerDamage[] = []
  /** What could not be read, in plain words: which approvals, in which conversation. */
  const damageReport = (): string[] => [
    ...ledgerDamage.map((d) => describeLedgerDamage(d, (id) => conversations.get(id)?.title ?? null)),
    ...problems
  ]

  const accounts: AccountService = new AccountService({
    stores: adapters.stores,
    secrets: adapters.secrets,
    connectors: adapters.connectors,
    onChange: () => events.emit('app.changed', appState(), null),
    // Data saved under a bare CRM user id before identities were principals becomes this principal's, once.
    onSignedIn: (user) => migrateLegacyIdentity(user, { conversations, ledger, settings, providers: adapters.providers }),
    onCorrupt: (movedTo) => onCorrupt(`Your list of CRM accounts could not be read and was set aside (${movedTo}); sign in again.`)
  })
  // The administrators' rules: IT's (managed desktops) and the CRM's, read with the user's own session.
  const organisation: OrganisationPolicy = new OrganisationPolicy({
    it: adapters.managedPolicy,
    session: () => {
      const user = accounts.user()
      return user ? accounts.sessionFor(user.principal) : null
    },
    abilities: () => catalog.list(),
    onChange: () => events.emit('app.changed', appState(), null)
  })
  // Events about one principal reach only clients signed in as that principal.
  const events = new FanOutEventSink(() => accounts.user()?.principal ?? null)
  const settings = new SettingsService(adapters.stores, (movedTo) => onCorrupt(`Your settings could not be read and were set aside (${movedTo}); the defaults apply until you change them.`))
  const ledger = new ActionLedger({
    stores: adapters.stores,
    clock: adapters.clock,
    // The user's choice, never longer than an administrator allows.
    expiryHours: (principal) => Math.min(settings.expiryHours(principal), organisation.current().maxApprovalHours?.hours ?? Infinity),
    onChange: (action) => events.emit('action.changed', toView(action), action.principal),
    onCorrupt: (damage) => ledgerDamage.push(damage)
  })
  const conversations = new ConversationStore(adapters.dataDir, adapters.clock, (what) => onCorrupt(what))
  const audit = new AuditLog(join(adapters.dataDir, 'audit', 'audit.jsonl'), adapters.clock)
  // The organisation's prices (IT's, then the CRM administrator's) win over defaults and anyone's own.
  const organisationPrices = () => [...organisation.current().prices, ...(adapters.organisationPrices?.() ?? [])]
  const prices = new PriceTable(adapters.stores, organisationPrices, (movedTo) =>
    onCorrupt(`Your price table could not be read and was set aside (${movedTo}); the default prices apply until you change them.`)
  )
  const activity = new ActivityService({ audit, prices, conversations, clock: adapters.clock, log: (message, error) => log.error(message, error) })
  const accessRule = () => allOf([organisation.current().access, adapters.accessRule?.()])
  const policyFor = (abilityName: string, user: SignedInUser) => {
    const ability = catalog.get(abilityName)
    return evaluatePolicy({
      ability: ability && { name: ability.name, effect: ability.effect },
      userSettings: settings.confirmation(user.principal),
      admin: [...organisation.current().layers, ...layersOf(adapters.adminPolicy?.())]
    })
  }
  // A provider the organisation does not allow is refused before anything is sent to it.
  const providers = guardProviders(adapters.providers, () => organisation.current().providers)

  const appState = (): AppState => {
    const user = accounts.user()
    const access = checkAccess(user, accessRule())
    return {
      user,
      account: accounts.active(),
      accounts: accounts.accounts(),
      sampleUsers: adapters.sampleUsers(),
      sessionProblem: accounts.sessionProblem() ?? (damageReport().length ? damageReport().join(' ') : null),
      provider: adapters.providers.view(user?.principal ?? null),
      allowed: access.allowed,
      accessReason: access.reason,
      organisation: { problems: organisation.current().problems, administrator: organisation.isAdministrator() }
    }
  }

  const assistant = new Assistant({
    conversations,
    ledger,
    // Abilities an administrator switched off are not offered to the model.
    catalog: new EnabledAbilityCatalog(catalog, (all) => organisation.enabledAbilities(all)),
    accounts,
    providers,
    policyFor,
    accessRule,
    audit,
    notifier: adapters.notifier,
    events,
    clock: adapters.clock,
    checkpoint: adapters.checkpoint,
    costOf: (principal, providerKind, model, usage) => prices.costOf(principal, providerKind, model, usage),
    log: (message, error) => log.error(message, error)
  })

  const handlers = createHandlers({
    assistant,
    accounts,
    ledger,
    conversations,
    catalog,
    settings,
    providers,
    organisation,
    events,
    policyFor,
    appState,
    openExternal: adapters.openExternal,
    activity,
    afterSignIn: async () => {
      await organisation.refreshCrm()
      await assistant.recover()
      return appState()
    }
  })

  let sweeper: NodeJS.Timeout | null = null
  let stopping = false
  let retention: NodeJS.Timeout | null = null
  return {
    handlers,
    events,
    assistant,
    ledger,
    conversations,
    accounts,
    audit,
    activity,
    log,
    appState,
    /** Desktop updates as IT's policy sets them; null: the shell's own setting applies. */
    updatePolicy: () => organisation.current().updates,
    async start() {
      // Every decision and execution on disk gets its audit line, even if a crash came between.
      reconcileAudit(ledger, audit, adapters.clock)
      // Entries older than the retention period move to a dated archive file (never dropped).
      activity.applyRetention()
      await accounts.restore()
      await organisation.start()
      await assistant.recover()
      sweeper = setInterval(() => assistant.sweep(), adapters.sweepIntervalMs ?? 60_000)
      sweeper.unref()
      // The Activity screen's index is read from the log once start-up is over, between other work.
      void activity.warm(() => stopping)
      // An app left running for days still archives what passes the retention period, once a day.
      retention = setInterval(() => activity.applyRetention(), 24 * 3_600_000)
      retention.unref()
    },
    async stop() {
      if (sweeper) clearInterval(sweeper)
      organisation.stop()
      stopping = true
      if (retention) clearInterval(retention)
      await assistant.idle()
      conversations.flush()
      audit.flush()
    }
  }
}
