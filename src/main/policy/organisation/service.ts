// The organisation policy as the app uses it: the IT source (read at start-up and whenever it
// changes) and the CRM's policy (read with the signed-in user's own session at sign-in, before a
// message is sent, before a decision and every few minutes), combined into one effective policy.
// Everything that asks "may this run?" reads from here synchronously, so the gate stays pure.
import type { Effect } from '../../../shared/domain'
import { parseOrgPolicy, type AdminPolicyView } from '../../../shared/org-policy'
import { explain } from '../../accounts/accounts'
import { CrmError, type CrmSession, type OrganisationPolicyRead } from '../../crm/types'
import { combinePolicies, CRM_LABEL, enabledAbilities, IT_LABEL, type EffectivePolicy, type SourceRead } from './combine'
import type { ManagedPolicySource, RawPolicyRead } from './it-source'

export interface OrganisationPolicyDeps {
  it?: ManagedPolicySource
  /** The signed-in user's session, or null. */
  session: () => CrmSession | null
  abilities: () => readonly { name: string; effect: Effect }[]
  /** Called when the effective policy changed (to push the new state to the window). */
  onChange: () => void
  crmRefreshMs?: number
}

export class OrganisationPolicy {
  private itRead: RawPolicyRead | null = null
  private crm: { session: CrmSession; read: OrganisationPolicyRead } | null = null
  private effective: EffectivePolicy
  private stopWatching: (() => void) | null = null
  private timer: NodeJS.Timeout | null = null
  private refreshing: Promise<void> | null = null

  constructor(private readonly deps: OrganisationPolicyDeps) {
    this.effective = this.compute()
  }

  async start(): Promise<void> {
    if (this.deps.it) {
      await this.readIt()
      this.stopWatching = this.deps.it.watch(() => void this.readIt())
    }
    await this.refreshCrm()
    this.timer = setInterval(() => void this.refreshCrm(), this.deps.crmRefreshMs ?? 120_000)
    this.timer.unref?.()
  }

  stop(): void {
    this.stopWatching?.()
    if (this.timer) clearInterval(this.timer)
  }

  current(): EffectivePolicy {
    // A different user signed in since the CRM's policy was read: theirs has not been read yet.
    if (this.crm && this.crm.session !== this.deps.session()) {
      this.crm = null
      this.effective = this.compute()
    }
    return this.effective
  }

  /** The abilities left switched on, for the model's tool set. */
  enabledAbilities<T extends { name: string }>(abilities: readonly T[]): T[] {
    return enabledAbilities(abilities, this.current().layers)
  }

  /** Re-reads the CRM's policy with the current session. Concurrent calls share one read. */
  refreshCrm(): Promise<void> {
    this.refreshing ??= this.readCrm().finally(() => {
      this.refreshing = null
    })
    return this.refreshing
  }

  /** For the Administration screen: the stored policy and who may be named in it. */
  async adminView(): Promise<AdminPolicyView> {
    const session = this.requireEditor()
    const read = await session.organisationPolicy!()
    if (read.status !== 'found' || !read.canEdit) throw new CrmError('permission', 'Only your CRM administrator may change the organisation policy.')
    const parsed = parseOrgPolicy(read.document)
    return {
      policy: parsed.ok ? parsed.policy : {},
      storedProblem: parsed.ok ? null : parsed.error,
      updatedBy: read.updatedBy,
      updatedAt: read.updatedAt,
      directory: read.directory ?? { users: [], groups: [] }
    }
  }

  /** Saves through the user's own session: the CRM decides whether they may. */
  async save(document: unknown): Promise<AdminPolicyView> {
    const session = this.requireEditor()
    await session.saveOrganisationPolicy!(document)
    await this.refreshCrm()
    return this.adminView()
  }

  /** Whether the signed-in user may edit the policy from Countersign (as last read). */
  isAdministrator(): boolean {
    this.current()
    return this.crm?.read.status === 'found' && this.crm.read.canEdit && typeof this.crm.session.saveOrganisationPolicy === 'function'
  }

  private requireEditor(): CrmSession {
    const session = this.deps.session()
    if (!session) throw new CrmError('session_expired', 'Sign in to your CRM first.')
    if (!session.organisationPolicy || !session.saveOrganisationPolicy) {
      throw new CrmError('permission', 'This CRM keeps its Countersign policy elsewhere; change it there.')
    }
    return session
  }

  private async readIt(): Promise<void> {
    let read: RawPolicyRead
    try {
      read = await this.deps.it!.read()
    } catch (e) {
      read = { status: 'error', detail: `could not be read (${e instanceof Error ? e.message : String(e)})` }
    }
    if (JSON.stringify(read) === JSON.stringify(this.itRead)) return
    this.itRead = read
    this.update()
  }

  private async readCrm(): Promise<void> {
    const session = this.deps.session()
    if (!session) {
      if (this.crm) {
        this.crm = null
        this.update()
      }
      return
    }
    let read: OrganisationPolicyRead
    if (!session.organisationPolicy) {
      read = { status: 'none', detail: 'This CRM connection does not provide an organisation policy.' }
    } else {
      try {
        read = await session.organisationPolicy()
      } catch (e) {
        // Unreachable for a moment: keep what this session last read. Never read: say so, and ask.
        if (this.crm?.session === session) return
        read = { status: 'error', detail: `could not be read from the CRM (${explain(e)})` }
      }
    }
    if (this.deps.session() !== session) return // signed out or switched meanwhile
    if (this.crm?.session === session && JSON.stringify(this.crm.read) === JSON.stringify(read)) return
    this.crm = { session, read }
    this.update()
  }

  private update(): void {
    this.effective = this.compute()
    this.deps.onChange()
  }

  private compute(): EffectivePolicy {
    const sources: SourceRead[] = []
    if (this.deps.it) {
      sources.push({
        kind: 'it',
        label: IT_LABEL,
        location: this.deps.it.location,
        read: this.itRead ?? { status: 'error', detail: 'not read yet' }
      })
    }
    if (this.crm) {
      const r = this.crm.read
      sources.push({
        kind: 'crm',
        label: CRM_LABEL,
        location: r.status === 'found' && r.editedIn ? r.editedIn : 'your CRM',
        read: r.status === 'found' ? { status: 'found', document: r.document } : r
      })
    }
    return combinePolicies(sources, this.deps.abilities())
  }
}
