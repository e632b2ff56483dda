// The price table: US dollars per million tokens, in and out, per provider kind and model. Defaults
// exist only for the models Countersign offers, each with where it was taken from; a person may set
// their own (Settings), and an organisation's price, where one is given, wins over both. A model
// with no price has none: its requests show tokens only, never a guessed cost.
import { z } from 'zod'
import type { PriceRow } from '../../shared/activity'
import type { JsonStore, JsonStoreFactory } from '../storage/types'
import { DEFAULT_RETENTION_DAYS } from '../audit/retention'

export interface Price {
  inputPerMillion: number
  outputPerMillion: number
}

/** Published list prices for uncached input and for output; cached input is billed lower by providers, so these never understate. */
export const DEFAULT_PRICES: readonly (PriceRow & { source: 'default' })[] = [
  {
    providerKind: 'openai',
    model: 'gpt-5.4-mini',
    inputPerMillion: 0.75,
    outputPerMillion: 4.5,
    source: 'default',
    note: 'OpenAI list price for GPT-5.4 mini (standard processing), as published in March 2026'
  },
  {
    providerKind: 'anthropic',
    model: 'claude-sonnet-4-5',
    inputPerMillion: 3,
    outputPerMillion: 15,
    source: 'default',
    note: 'Anthropic list price for Claude Sonnet 4.5 (prompts up to 200K tokens)'
  },
  {
    providerKind: 'deepseek',
    model: 'deepseek-chat',
    inputPerMillion: 0.27,
    outputPerMillion: 1.1,
    source: 'default',
    note: 'DeepSeek list price for deepseek-chat, cache-miss input (api-docs.deepseek.com pricing page); DeepSeek revises its prices often'
  },
  {
    providerKind: 'demo',
    model: 'countersign-demo-v1',
    inputPerMillion: 0,
    outputPerMillion: 0,
    source: 'default',
    note: 'The offline demo assistant runs on this computer: nothing is billed'
  }
]

const priceSchema = z.object({ inputPerMillion: z.number().min(0).max(10_000), outputPerMillion: z.number().min(0).max(10_000) })

interface ActivitySettingsFile extends Record<string, unknown> {
  /** Each person's own prices, keyed by principal, then by "kind|model". */
  pricesByPrincipal: Record<string, Record<string, unknown>>
  /** For the whole device: the audit log is one file. */
  retentionDays?: unknown
}

const key = (providerKind: string, model: string) => `${providerKind}|${model}`

export class PriceTable {
  private readonly store: JsonStore<ActivitySettingsFile>

  constructor(
    stores: JsonStoreFactory,
    /** Prices the organisation's policy sets, when it sets any (they win). */
    private readonly organisation: () => readonly (Price & { providerKind: string; model: string })[] = () => [],
    onCorrupt?: (movedTo: string) => void
  ) {
    this.store = stores.open<ActivitySettingsFile>({ name: 'activity-settings', defaults: { pricesByPrincipal: {} }, onCorrupt })
  }

  /** The price in effect for this person, or null: then only tokens are shown. */
  priceOf(principal: string, providerKind: string, model: string): Price | null {
    const org = this.organisation().find((p) => p.providerKind === providerKind && p.model === model)
    if (org) return { inputPerMillion: org.inputPerMillion, outputPerMillion: org.outputPerMillion }
    const own = priceSchema.safeParse(this.own(principal)[key(providerKind, model)])
    if (own.success) return own.data
    const fallback = DEFAULT_PRICES.find((p) => p.providerKind === providerKind && p.model === model)
    return fallback ? { inputPerMillion: fallback.inputPerMillion, outputPerMillion: fallback.outputPerMillion } : null
  }

  /** US dollars for these tokens, or undefined when there is no price or no usage. */
  costOf(principal: string, providerKind: string, model: string, usage: { inputTokens: number; outputTokens: number } | undefined): number | undefined {
    if (!usage) return undefined
    const price = this.priceOf(principal, providerKind, model)
    if (!price) return undefined
    return (usage.inputTokens * price.inputPerMillion + usage.outputTokens * price.outputPerMillion) / 1_000_000
  }

  /** Every price this person has in effect, with where it comes from. */
  rows(principal: string): PriceRow[] {
    const rows = new Map<string, PriceRow>()
    for (const p of DEFAULT_PRICES) rows.set(key(p.providerKind, p.model), { ...p })
    for (const [k, value] of Object.entries(this.own(principal))) {
      const parsed = priceSchema.safeParse(value)
      const [providerKind, ...rest] = k.split('|')
      if (parsed.success && rest.length) rows.set(k, { providerKind, model: rest.join('|'), ...parsed.data, source: 'yours', note: null })
    }
    for (const p of this.organisation()) {
      rows.set(key(p.providerKind, p.model), { providerKind: p.providerKind, model: p.model, inputPerMillion: p.inputPerMillion, outputPerMillion: p.outputPerMillion, source: 'organisation', note: 'Set by your organisation' })
    }
    return [...rows.values()].sort((a, b) => a.providerKind.localeCompare(b.providerKind) || a.model.localeCompare(b.model))
  }

  setPrice(principal: string, providerKind: string, model: string, price: Price): void {
    this.putOwn(principal, { ...this.own(principal), [key(providerKind, model)]: priceSchema.parse(price) })
  }

  /** Removes this person's own price: the default (if any) applies again. */
  removePrice(principal: string, providerKind: string, model: string): void {
    const { [key(providerKind, model)]: _removed, ...rest } = this.own(principal)
    this.putOwn(principal, rest)
  }

  retentionDays(): number {
    const parsed = z.number().int().min(30).max(3650).safeParse(this.store.read().retentionDays)
    return parsed.success ? parsed.data : DEFAULT_RETENTION_DAYS
  }

  setRetentionDays(days: number): void {
    this.store.write({ ...this.store.read(), retentionDays: days })
  }

  private own(principal: string): Record<string, unknown> {
    const all = this.store.read().pricesByPrincipal
    const mine = all && typeof all === 'object' ? (all as Record<string, unknown>)[principal] : undefined
    return mine && typeof mine === 'object' && !Array.isArray(mine) ? (mine as Record<string, unknown>) : {}
  }

  private putOwn(principal: string, prices: Record<string, unknown>): void {
    const file = this.store.read()
    const all = file.pricesByPrincipal && typeof file.pricesByPrincipal === 'object' ? file.pricesByPrincipal : {}
    this.store.write({ ...file, pricesByPrincipal: { ...all, [principal]: prices } })
  }
}
