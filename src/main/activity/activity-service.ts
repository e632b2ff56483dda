// What the Activity screen and its settings ask of main, always for one principal: a page of their
// activity, the state of the audit chain, an export of the period on screen, the price table and
// the retention period.
import { setImmediate as nextTurn } from 'node:timers/promises'
import type { ActivityFilters, ActivityPage, ActivitySettingsView, ChainReportView } from '../../shared/activity'
import type { AuditLog } from '../audit/audit-log'
import { archiveOlderThan, type ArchiveResult } from '../audit/retention'
import type { ConversationStore } from '../conversations/store'
import { ActivityIndex } from './activity-index'
import { toCsv, toJsonLines } from './export'
import type { Price, PriceTable } from './prices'

const DAY_MS = 86_400_000
export const PAGE_SIZE = 50

export class ActivityService {
  readonly index: ActivityIndex

  constructor(
    private readonly deps: {
      audit: AuditLog
      prices: PriceTable
      conversations: ConversationStore
      clock: () => number
      log?: (message: string, error?: unknown) => void
    }
  ) {
    this.index = new ActivityIndex(deps.audit)
  }

  /**
   * Reads the log into the index ahead of the screen opening, right after start-up, a slice at a
   * time between other work, so the first page is quick even when the screen opens at once.
   */
  async warm(stopped: () => boolean = () => false): Promise<void> {
    try {
      await this.index.warm(() => nextTurn(), stopped)
    } catch (error) {
      this.deps.log?.('could not read the audit log for the Activity screen', error)
    }
  }

  /** A conversation's title, only for its own principal. */
  private titleOf(principal: string) {
    return (conversationId: string) => {
      const conversation = this.deps.conversations.get(conversationId)
      return conversation && conversation.principal === principal ? conversation.title : null
    }
  }

  page(principal: string, filters: ActivityFilters, cursor: string | null, limit = PAGE_SIZE): ActivityPage {
    return this.index.query(principal, filters, { cursor, limit, titleOf: this.titleOf(principal) })
  }

  export(principal: string, filters: ActivityFilters, format: 'csv' | 'jsonl'): { filename: string; content: string; mime: string } {
    const items = this.index.all(principal, filters, this.titleOf(principal))
    const day = (at: number) => new Date(at).toISOString().slice(0, 10)
    const period = `${filters.from !== undefined ? day(filters.from) : 'start'}-to-${filters.to !== undefined ? day(filters.to - 1) : day(this.deps.clock())}`
    return format === 'csv'
      ? { filename: `countersign-activity-${period}.csv`, content: toCsv(items), mime: 'text/csv' }
      : { filename: `countersign-activity-${period}.jsonl`, content: toJsonLines(items), mime: 'application/x-ndjson' }
  }

  /**
   * The whole chain, checked now. Says where it breaks by line and entry number only. Waits a turn
   * first, since the screen asks for its first page and the check together and the page goes out
   * first; then checks in slices, so the app keeps answering while a long log is read.
   */
  async verify(): Promise<ChainReportView> {
    await nextTurn()
    const { lastHash: _h, lastSeq: _s, ...report } = await this.deps.audit.verifyInSlices()
    return report
  }

  settings(principal: string): ActivitySettingsView {
    return { prices: this.deps.prices.rows(principal), retentionDays: this.deps.prices.retentionDays() }
  }

  setPrice(principal: string, providerKind: string, model: string, price: Price): ActivitySettingsView {
    this.deps.prices.setPrice(principal, providerKind, model, price)
    return this.settings(principal)
  }

  removePrice(principal: string, providerKind: string, model: string): ActivitySettingsView {
    this.deps.prices.removePrice(principal, providerKind, model)
    return this.settings(principal)
  }

  setRetentionDays(principal: string, days: number): ActivitySettingsView {
    this.deps.prices.setRetentionDays(days)
    this.applyRetention()
    return this.settings(principal)
  }

  /** Archives what is older than the retention period; never stops start-up. */
  applyRetention(): ArchiveResult | null {
    try {
      return archiveOlderThan(this.deps.audit, this.deps.clock() - this.deps.prices.retentionDays() * DAY_MS, this.deps.clock())
    } catch (error) {
      this.deps.log?.('could not archive old audit entries', error)
      return null
    }
  }
}
