// Countersign's ledger in the benchmark: stores seeded in the ledger's own on-disk format, the
// hot path (propose, decide, executing), and start-up restore. Also the layout considered and not
// chosen: one small electron-store file per action.
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { ActionLedger, closedJournalOf, type ActionRecord } from '../src/main/actions/ledger'
import { writeJournalAtomically } from '../src/main/storage/journal'
import { createNodeStoreFactory } from '../src/main/storage/node-store'
import { draftOf, fakeAction, time } from './lib'

export type Mix = 'all waiting' | 'realistic mix'

/**
 * A ledger of `size` actions as start-up compaction leaves it: `all waiting` puts every one in the
 * open journal; the `realistic mix` has one in twenty still waiting and the rest settled, created
 * over the last 25 days, in their days' journals.
 */
export function seedLedger(dir: string, size: number, mix: Mix): void {
  const now = Date.now()
  const actions = Array.from({ length: size }, (_, i) =>
    mix === 'all waiting' || i % 20 === 0 ? fakeAction('pending', now - (i % 25) * 3_600_000) : fakeAction('succeeded', now - (i % 25) * 86_400_000)
  )
  const stores = createNodeStoreFactory(dir)
  const folder = stores.folderPath('ledger')
  const byDay = new Map<string, ActionRecord[]>()
  for (const a of actions.filter((a) => a.state !== 'pending')) byDay.set(closedJournalOf(a), [...(byDay.get(closedJournalOf(a)) ?? []), a])
  for (const [name, list] of byDay) writeJournalAtomically(join(folder, `${name}.jsonl`), list)
  writeJournalAtomically(join(folder, 'open-1.jsonl'), actions.filter((a) => a.state === 'pending'))
  stores.open({ name: 'meta', folder: 'ledger', defaults: {} }).write({ format: 2, open: 'open-1', compactedAt: now })
}

export function openLedger(dir: string): ActionLedger {
  return new ActionLedger({ stores: createNodeStoreFactory(dir), clock: Date.now, expiryHours: () => 48 })
}

/** One action through the hot path; each step is on disk when it returns. */
export function ledgerSample(ledger: ActionLedger): { propose: number; decide: number; executing: number } {
  const draft = draftOf(fakeAction('pending', Date.now()))
  let action!: ActionRecord
  const propose = time(() => (action = ledger.propose(draft, 'pending')))
  const decide = time(() => ledger.decide({ id: action.id, hash: action.hash, decision: 'approve', principal: draft.principal }))
  const executing = time(() => ledger.transition(action.id, 'executing'))
  return { propose, decide, executing }
}

/** Start-up on a copy of the seeded ledger; then the settled ones, read on first use. */
export function restoreLedger(dir: string, size: number): { startup: number; all: number; waiting: number } {
  let ledger!: ActionLedger
  const startup = time(() => (ledger = openLedger(dir)))
  const waiting = ledger.inState('pending').length
  let total = 0
  const settled = time(() => (total = ledger.size))
  if (total !== size) throw new Error(`restored ${total} of ${size} actions`)
  return { startup, all: startup + settled, waiting }
}

/** The layout considered: one small electron-store (conf) file per action, rewritten whole per change. */
export class FilePerAction {
  private readonly stores
  constructor(private readonly dir: string) {
    this.stores = createNodeStoreFactory(dir)
  }

  seed(size: number): void {
    const now = Date.now()
    for (let i = 0; i < size; i++) {
      const a = fakeAction('pending', now)
      this.stores.open({ name: a.id, folder: 'actions', defaults: {} }).write({ action: a })
    }
  }

  sample(): { propose: number; decide: number } {
    const a = fakeAction('pending', Date.now())
    const store = this.stores.open<{ action?: ActionRecord }>({ name: a.id, folder: 'actions', defaults: {} })
    const propose = time(() => store.write({ action: a }))
    const decide = time(() => store.write({ action: { ...a, state: 'approved' } }))
    return { propose, decide }
  }

  restore(): number {
    return time(() => {
      const folder = join(this.dir, 'actions')
      let n = 0
      for (const f of readdirSync(folder)) if (f.endsWith('.json') && JSON.parse(readFileSync(join(folder, f), 'utf8')).action) n++
      if (n === 0) throw new Error('nothing restored')
    })
  }
}
