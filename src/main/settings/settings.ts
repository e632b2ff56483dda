// The user's settings (electron-store): Require Confirmation per ability and approval expiry.
import { z } from 'zod'
import { confirmationSettingSchema, type ConfirmationSetting } from '../../shared/domain'
import type { JsonStore, JsonStoreFactory } from '../storage/types'
import { DEFAULT_EXPIRY_HOURS } from '../actions/ledger'

const settingsFileSchema = z.object({
  confirmation: z.record(z.string(), confirmationSettingSchema),
  expiryHours: z.number().int().min(1).max(24 * 14)
})
type SettingsFile = z.infer<typeof settingsFileSchema>

export class SettingsService {
  private readonly store: JsonStore<SettingsFile>

  constructor(stores: JsonStoreFactory, onCorrupt?: (movedTo: string) => void) {
    this.store = stores.open<SettingsFile>({
      name: 'settings',
      defaults: { confirmation: {}, expiryHours: DEFAULT_EXPIRY_HOURS },
      onCorrupt
    })
  }

  /** undefined when the stored choices are unreadable: the policy gate then asks for everything. */
  confirmation(): Readonly<Record<string, ConfirmationSetting>> | undefined {
    const parsed = settingsFileSchema.shape.confirmation.safeParse(this.store.read().confirmation)
    return parsed.success ? parsed.data : undefined
  }

  setConfirmation(ability: string, setting: ConfirmationSetting): void {
    const current = this.confirmation() ?? {}
    this.store.write({ ...this.store.read(), confirmation: { ...current, [ability]: setting } })
  }

  expiryHours(): number {
    const parsed = settingsFileSchema.shape.expiryHours.safeParse(this.store.read().expiryHours)
    return parsed.success ? parsed.data : DEFAULT_EXPIRY_HOURS
  }

  setExpiryHours(hours: number): void {
    this.store.write({ ...this.store.read(), expiryHours: hours })
  }
}
