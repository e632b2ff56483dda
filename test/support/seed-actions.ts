// Ledger entries made directly on disk, laid out as the ledger lays them out, for the benchmarks
// and for end-to-end tests that need many actions (or a state, such as outcome_unknown, that only
// a crash produces) without driving the assistant thousands of times.
import { randomUUID } from 'node:crypto'
import { actionHash } from '../../src/main/actions/hash'
import { join } from 'node:path'
import type { ActionRecord } from '../../src/main/actions/ledger'
import { writeJournalAtomically } from '../../src/main/storage/journal'
import { SAMPLE_DATABASE, SAMPLE_ORIGIN } from '../../src/main/accounts/accounts'
import { principalKey } from '../../src/shared/domain'

let seq = 0

export type SeedOptions = {
  state?: ActionRecord['state']
  createdAt?: number
  expiresAt?: number
  userId?: string
  userName?: string
  conversationId?: string
  kind?: 'update' | 'message'
}

/** The principal of a sample-workspace user, as the app keys everything (see accounts.ts). */
export function samplePrincipal(userId: string): string {
  return principalKey({ crm: 'sample', origin: SAMPLE_ORIGIN, database: SAMPLE_DATABASE, userId })
}

export function seedAction(options: SeedOptions = {}): ActionRecord {
  const action = draftAction(options)
  return { ...action, hash: actionHash(action.ability, action.input, action.recordVersion, action.card) }
}

function draftAction(options: SeedOptions): ActionRecord {
  const n = seq++
  const state = options.state ?? 'pending'
  const now = options.createdAt ?? Date.now()
  const kind = options.kind ?? 'update'
  const input =
    kind === 'update'
      ? { type: 'deal', id: `deal-${n}`, fields: { stage: 'negotiation', amount: 12_500 } }
      : { to: [`contact-${n}`], subject: `Invoice INV-${1000 + n} is overdue`, body: `Hello,\n\nInvoice INV-${1000 + n} is now overdue. Could you let us know when to expect payment?\n\nKind regards` }
  return {
    id: randomUUID(),
    conversationId: options.conversationId ?? randomUUID(),
    toolCallId: `call-${n}`,
    ability: kind === 'update' ? 'update_record' : 'send_message',
    abilityTitle: kind === 'update' ? 'Update a record' : 'Send an email',
    input,
    recordVersion: `${n}-abcdef`,
    hash: '',
    state,
    card:
      kind === 'update'
        ? {
            summary: `Change Deal ${n}: stage from proposal to negotiation, amount from 10,000 to 12,500.`,
            detail: {
              kind: 'update',
              record: { type: 'deal', id: `deal-${n}`, label: `Deal ${n} (Acme Marine Outfitters)` },
              changes: [
                { field: 'stage', label: 'Stage', before: 'proposal', after: 'negotiation' },
                { field: 'amount', label: 'Amount', before: '10,000', after: '12,500' }
              ]
            }
          }
        : {
            summary: `Email Dana Whitfield: "Invoice INV-${1000 + n} is overdue".`,
            detail: {
              kind: 'message',
              about: null,
              to: [{ name: 'Dana Whitfield', address: 'dana.whitfield@acme-marine.example.com' }],
              subject: `Invoice INV-${1000 + n} is overdue`,
              body: (input as { body: string }).body
            }
          },
    principal: samplePrincipal(options.userId ?? 'u-maria'),
    userName: options.userName ?? 'Maria Chen',
    provider: 'OpenAI',
    model: 'gpt-5',
    createdAt: now,
    expiresAt: options.expiresAt ?? now + 48 * 3_600_000,
    decidedAt: state === 'pending' ? null : now,
    decidedBy: state === 'pending' ? null : samplePrincipal(options.userId ?? 'u-maria'),
    declineReason: state === 'declined' ? 'Not this quarter' : null,
    resultSummary: state === 'succeeded' ? 'Deal updated: stage → negotiation' : null,
    error: state === 'outcome_unknown' ? 'Countersign stopped before the CRM answered.' : null,
    supersededBy: null,
    history: [
      { state: 'proposed', at: now },
      { state: 'pending', at: now }
    ]
  }
}

/** Writes `actions` into the ledger folder under `dataDir` as one journal; start-up compaction files the settled ones by day. */
export function writeLedger(dataDir: string, actions: ActionRecord[]): void {
  writeJournalAtomically(join(dataDir, 'ledger', 'open-0.jsonl'), actions)
}
