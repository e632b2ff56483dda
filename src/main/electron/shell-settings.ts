// What the desktop shell remembers for itself (electron-store, `shell.json` in the data folder):
// whether closing to the tray was explained once, and where updates come from. The update
// setting is read through `updates()` only, so the IT policy can take it over in one place.
import { z } from 'zod'
import type { JsonStore, JsonStoreFactory } from '../storage/types'

/** Updates: off, or a generic feed (electron-builder's `latest*.yml` files) at an https URL. */
export const updateSettingSchema = z.discriminatedUnion('mode', [
  z.object({ mode: z.literal('off') }).strict(),
  z.object({ mode: z.literal('feed'), url: z.string().url().max(500) }).strict()
])
export type UpdateSetting = z.infer<typeof updateSettingSchema>

type ShellFile = { closeToTrayExplained: boolean; updates: UpdateSetting }

export class ShellSettings {
  private readonly store: JsonStore<ShellFile>

  constructor(stores: JsonStoreFactory, onCorrupt?: (movedTo: string) => void) {
    this.store = stores.open<ShellFile>({ name: 'shell', defaults: { closeToTrayExplained: false, updates: { mode: 'off' } }, onCorrupt })
  }

  closeToTrayExplained(): boolean {
    return this.store.read().closeToTrayExplained === true
  }

  markCloseToTrayExplained(): void {
    this.store.write({ ...this.store.read(), closeToTrayExplained: true })
  }

  /** A setting that does not parse switches updates off: never a guess at a feed. */
  updates(): UpdateSetting {
    const parsed = updateSettingSchema.safeParse(this.store.read().updates)
    return parsed.success ? parsed.data : { mode: 'off' }
  }
}
