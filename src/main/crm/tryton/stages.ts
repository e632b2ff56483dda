// Tryton 6.0's opportunity workflow, declared so a stage it cannot reach is refused before a
// card exists, and the side effects Tryton adds to each move are stated on the card.
import type { CrmSchema, FieldValue } from '../types'

/** The workflow button that reaches each stage. "won" is set by Tryton when the sales complete. */
export const STAGE_BUTTON: Record<string, string> = {
  lead: 'lead',
  opportunity: 'opportunity',
  converted: 'convert',
  lost: 'lost',
  cancelled: 'cancel'
}

export const TRYTON_SCHEMA: CrmSchema = {
  name: 'Tryton',
  dealStages: [
    { value: 'lead', settable: true },
    { value: 'opportunity', settable: true },
    { value: 'converted', settable: true },
    { value: 'won', settable: false },
    { value: 'lost', settable: true },
    { value: 'cancelled', settable: true }
  ],
  // sale.opportunity._transitions, without the move to "won" that only Tryton makes.
  stageMoves: {
    lead: ['opportunity', 'converted', 'lost', 'cancelled'],
    opportunity: ['lead', 'converted', 'lost', 'cancelled'],
    converted: ['lost'],
    won: ['converted'],
    lost: ['lead', 'converted'],
    cancelled: ['lead']
  },
  unsupportedFields: {
    contact: { title: 'Tryton parties have no job title.' }
  }
}

/** What Tryton adds when a deal moves to `stage` (sale_opportunity 6.0: convert, lost, cancel). */
export function stageConsequences(stage: FieldValue, accountLabel: string | null): string[] {
  switch (stage) {
    case 'converted':
      return [
        `Tryton creates a draft sales order${accountLabel ? ` for ${accountLabel}` : ''} from this deal (unless it already has one) and records you as the person who converted it.`
      ]
    case 'lost':
    case 'cancelled':
      return ['Tryton sets the expected close date to today.']
    default:
      return []
  }
}
