// Each person's own settings (electron-store): Require Confirmation per ability and approval
// expiry, kept per principal, so one CRM account's choices never apply to another's.
import { z } from 'zod'
import { confirmationSettingSchema, type ConfirmationSetting } from '../../shared/domain'
import type { JsonStore, JsonStoreFactory } from '../storage/types'
import { DEFAULT_EXPIRY_HOURS } from '../actions/ledger'

const personalSchema = z.object({
  confirmation: z.record(z.string(), confirmationSettingSchema),
  expiryHours: z.number().int().min(1).max(24 * 14)
})
type Personal = z.infer<typeof personalSchema>

interface SettingsFile extends Record<string, unknown> {
  byPrincipal: Record<string, unknown>
  /** Before identities were principals, one set of settings for everyone: claimed by the first principal to sign in. */
  confirmation?: unknown
  expiryHours?: unknown
}

const DEFAULTS: Personal = { confirmation: {}, expiryHours: DEFAULT_EXPIRY_HOURS }

export class SettingsService {
  private readonly store: JsonStore<SettingsFile>

  constructor(stores: JsonStoreFactory, onCorrupt?: (movedTo: string) => void) {
    this.store = stores.open<SettingsFile>({ name: 'settings', defaults: { byPrincipal: {} }, onCorrupt })
  }

  /** undefined when the stored choices are unreadable: the policy gate then asks for everything. */
  confirmation(principal: string): Readonly<Record<string, ConfirmationSetting>> | undefined {
    const raw = this.raw(principal)
    if (raw === undefined) return {}
    const stored = raw && typeof raw === 'object' && 'confirmation' in raw ? (raw as { confirmation: unknown }).confirmation : {}
    const parsed = personalSchema.shape.confirmation.safeParse(stored)
    return parsed.success ? parsed.data : undefined
  }

  setConfirmation(principal: string, ability: string, setting: ConfirmationSetting): void {
    this.put(principal, { confirmation: { ...(this.confirmation(principal) ?? {}), [ability]: setting } })
  }

  expiryHours(principal: string): number {
    const raw = this.raw(principal) as Partial<Personal> | undefined
    const parsed = personalSchema.shape.expiryHours.safeParse(raw?.expiryHours)
    return parsed.success ? parsed.data : DEFAULT_EXPIRY_HOURS
  }

  setExpiryHours(principal: string, hours: number): void {
    this.put(principal, { expiryHours: hours })
  }

  /** Gives settings saved before identities were principals to the first principal that signs in. */
  claimLegacy(principal: string): void {
    const file = this.store.read()
    if (file.confirmation === undefined && file.expiryHours === undefined) return
    const { confirmation, expiryHours, ...rest } = file
    const mine = (file.byPrincipal?.[principal] ?? {}) as Partial<Personal>
    this.store.write({ ...rest, byPrincipal: { ...(file.byPrincipal ?? {}), [principal]: { confirmation, expiryHours, ...mine } } })
  }

  private raw(principal: string): unknown {
    const all = this.store.read().byPrincipal
    return all && typeof all === 'object' ? (all as Record<string, unknown>)[principal] : undefined
  }

  private put(principal: string, patch: Partial<Personal>): void {
    const file = this.store.read()
    const current = { ...DEFAULTS, ...((this.raw(principal) as Partial<Personal>) ?? {}) }
    this.store.write({ ...file, byPrincipal: { ...(file.byPrincipal ?? {}), [principal]: { ...current, ...patch } } })
  }
}
