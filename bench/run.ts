// `npm run bench`: how fast the ledger makes a change durable, against this disk's fsync floor
// and a naive electron-store baseline (one array rewritten per change), and the inbox in the
// browser (bench/browser.ts). Writes bench/results.md.
import { closeSync, fsyncSync, mkdtempSync, openSync, renameSync, rmSync, writeFileSync, writeSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Conf from 'conf'
import { ActionLedger, OPEN_BUCKETS, closedShardOf, isTerminal, openShardOf, type ActionRecord } from '../src/main/actions/ledger'
import { createNodeStoreFactory } from '../src/main/storage/node-store'
import { browserSection } from './browser'

const SIZES = [100, 1_000, 10_000]
const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 200)
const root = mkdtempSync(join(process.env.BENCH_DIR ?? tmpdir(), 'countersign-bench-'))

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]
}
const ms = (n: number) => n.toFixed(2)
function time(fn: () => void): number {
  const start = process.hrtime.bigint()
  fn()
  return Number(process.hrtime.bigint() - start) / 1e6
}

/** The cheapest durable write this disk allows: a small write and one fsync. */
function fsyncFloor(): number[] {
  const file = join(root, 'fsync-probe')
  const samples: number[] = []
  for (let i = 0; i < SAMPLES; i++) {
    samples.push(
      time(() => {
        const fd = openSync(file, 'w')
        writeSync(fd, `probe ${i}`)
        fsyncSync(fd)
        closeSync(fd)
      })
    )
  }
  return samples
}

/** The cheapest atomic replace: a small temporary file, fsync, rename over the target. */
function atomicFloor(): number[] {
  const target = join(root, 'atomic-probe')
  const samples: number[] = []
  for (let i = 0; i < SAMPLES; i++) {
    samples.push(
      time(() => {
        const tmp = `${target}.${i}.tmp`
        const fd = openSync(tmp, 'w')
        writeSync(fd, `probe ${i}`)
        fsyncSync(fd)
        closeSync(fd)
        renameSync(tmp, target)
      })
    )
  }
  return samples
}

let seq = 0
function fakeAction(state: ActionRecord['state'], now: number): ActionRecord {
  const id = crypto.randomUUID()
  const input = { type: 'deal', id: `deal-${seq++}`, fields: { stage: 'negotiation', amount: 12_500 } }
  return {
    id,
    conversationId: crypto.randomUUID(),
    toolCallId: `call-${seq}`,
    ability: 'update_record',
    abilityTitle: 'Update a record',
    input,
    recordVersion: `${seq}-abcdef`,
    hash: '',
    state,
    card: {
      summary: `Change Deal ${seq}: stage from proposal to negotiation, amount from 10,000 to 12,500.`,
      detail: {
        kind: 'update',
        record: { type: 'deal', id: input.id, label: `Deal ${seq} (Acme Marine Outfitters)` },
        changes: [
          { field: 'stage', label: 'Stage', before: 'proposal', after: 'negotiation' },
          { field: 'amount', label: 'Amount', before: '10,000', after: '12,500' }
        ]
      }
    },
    principal: 'u-maria',
    userName: 'Maria Chen',
    provider: 'OpenAI',
    model: 'gpt-5',
    createdAt: now,
    expiresAt: now + 48 * 3_600_000,
    decidedAt: state === 'pending' ? null : now,
    decidedBy: state === 'pending' ? null : 'u-maria',
    declineReason: null,
    resultSummary: state === 'succeeded' ? 'Deal updated: stage → negotiation' : null,
    error: null,
    supersededBy: null,
    history: [
      { state: 'proposed', at: now },
      { state: 'pending', at: now }
    ]
  }
}

/**
 * A ledger of `size` recent actions as the app lays it out: one in twenty still waiting, the rest
 * settled, created over the last 25 days (the ledger keeps 30 days of settled actions).
 */
function seedLedger(dir: string, size: number): ActionRecord[] {
  const now = Date.now()
  const actions = Array.from({ length: size }, (_, i) => fakeAction(i % 20 === 0 ? 'pending' : 'succeeded', now - (i % 25) * 86_400_000))
  const shards = new Map<string, Record<string, ActionRecord>>()
  for (const a of actions) {
    const name = isTerminal(a.state) ? closedShardOf(a) : openShardOf(a.id)
    shards.set(name, { ...shards.get(name), [a.id]: a })
  }
  const stores = createNodeStoreFactory(dir)
  for (const [name, shardActions] of shards) stores.open({ name, folder: 'ledger', defaults: { actions: {} } }).write({ actions: shardActions })
  return actions
}

function benchLedger(size: number) {
  const dir = join(root, `ledger-${size}`)
  seedLedger(dir, size)
  const gc = (globalThis as { gc?: () => void }).gc
  gc?.()
  const heapBefore = process.memoryUsage().heapUsed
  let ledger!: ActionLedger
  const restoreMs = time(() => {
    ledger = new ActionLedger({ stores: createNodeStoreFactory(dir), clock: Date.now, expiryHours: () => 48 })
  })
  // Settled actions are read on first use (opening a conversation's history, for instance).
  let total = 0
  const settledMs = time(() => (total = ledger.size))
  if (total !== size) throw new Error(`restored ${total} of ${size} actions`)
  gc?.()
  // What the whole restored ledger keeps alive (needs node --expose-gc, as `npm run bench` runs it).
  const heapMb = (process.memoryUsage().heapUsed - heapBefore) / 1024 / 1024
  const propose: number[] = []
  const approve: number[] = []
  const executing: number[] = []
  for (let i = 0; i < SAMPLES; i++) {
    const draft = fakeAction('pending', Date.now())
    let id = ''
    propose.push(time(() => (id = ledger.propose(draft, 'pending').id)))
    const hash = ledger.get(id)!.hash
    approve.push(time(() => ledger.decide({ id, hash, decision: 'approve', principal: 'u-maria' })))
    executing.push(time(() => ledger.transition(id, 'executing')))
  }
  return { size, restoreMs, settledMs, heapMb, propose, approve, executing }
}

/** The naive layout: one electron-store file holding every action in one array, rewritten per change. */
function benchNaive(size: number) {
  const dir = join(root, `naive-${size}`)
  const store = new Conf<{ actions: ActionRecord[] }>({ cwd: dir, configName: 'ledger', projectName: 'bench', projectSuffix: '' })
  const now = Date.now()
  store.set('actions', Array.from({ length: size }, (_, i) => fakeAction(i % 20 === 0 ? 'pending' : 'succeeded', now)))
  let restore!: ActionRecord[]
  const restoreMs = time(() => {
    restore = new Conf<{ actions: ActionRecord[] }>({ cwd: dir, configName: 'ledger', projectName: 'bench', projectSuffix: '' }).get('actions')
  })
  const samples = Math.min(SAMPLES, size >= 10_000 ? 40 : SAMPLES)
  const propose: number[] = []
  const executing: number[] = []
  for (let i = 0; i < samples; i++) {
    const action = fakeAction('pending', Date.now())
    propose.push(
      time(() => {
        const actions = store.get('actions')
        actions.push(action)
        store.set('actions', actions)
      })
    )
    executing.push(
      time(() => {
        const actions = store.get('actions')
        const found = actions.find((a) => a.id === action.id)!
        found.state = 'executing'
        store.set('actions', actions)
      })
    )
  }
  return { size, restoreMs, restored: restore.length, propose, executing }
}

const floor = fsyncFloor()
const floorP50 = percentile(floor, 50)
const floorP99 = percentile(floor, 99)
const atomic = atomicFloor()
const ledgerRuns = SIZES.map(benchLedger)
const naiveRuns = SIZES.map(benchNaive)

const lines: string[] = []
lines.push('# Ledger benchmark')
lines.push('')
lines.push(`Run ${new Date().toISOString()} on ${process.platform} ${process.arch}, Node ${process.version}; ${SAMPLES} samples per figure (naive at 10,000: 40). All figures in milliseconds, measured in this one run.`)
lines.push('')
lines.push(`**fsync floor** (open, small write, fsync, close in the same folder): p50 ${ms(floorP50)}, p99 ${ms(floorP99)}.`)
lines.push('')
lines.push(`**atomic-replace floor** (small temporary file, write, fsync, close, rename over the target — the least any atomic write costs): p50 ${ms(percentile(atomic, 50))}, p99 ${ms(percentile(atomic, 99))}.`)
lines.push('')
lines.push(`## Countersign ledger (${OPEN_BUCKETS} electron-store files for actions in play, one per day for settled ones)`)
lines.push('')
lines.push('| actions already in ledger | propose → pending on disk p50 / p99 | approve → decision on disk p50 / p99 | approved → executing on disk p50 / p99 | p99 ÷ floor p99 (propose, executing) | p50 ÷ floor p50 (propose, executing) | start-up restore | settled ones, on first use | heap, all loaded |')
lines.push('| --- | --- | --- | --- | --- | --- | --- | --- | --- |')
for (const r of ledgerRuns) {
  lines.push(
    `| ${r.size.toLocaleString('en-US')} | ${ms(percentile(r.propose, 50))} / ${ms(percentile(r.propose, 99))} | ${ms(percentile(r.approve, 50))} / ${ms(percentile(r.approve, 99))} | ${ms(percentile(r.executing, 50))} / ${ms(percentile(r.executing, 99))} | ${(percentile(r.propose, 99) / floorP99).toFixed(2)}×, ${(percentile(r.executing, 99) / floorP99).toFixed(2)}× | ${(percentile(r.propose, 50) / floorP50).toFixed(2)}×, ${(percentile(r.executing, 50) / floorP50).toFixed(2)}× | ${ms(r.restoreMs)} | ${ms(r.settledMs)} | ${r.heapMb.toFixed(1)} MB |`
  )
}
lines.push('')
lines.push('## Naive baseline (one electron-store file, one array rewritten per change)')
lines.push('')
lines.push('| actions already in ledger | propose → on disk p50 / p99 | → executing on disk p50 / p99 | p99 ÷ floor p99 | restore |')
lines.push('| --- | --- | --- | --- | --- |')
for (const r of naiveRuns) {
  lines.push(`| ${r.size.toLocaleString('en-US')} | ${ms(percentile(r.propose, 50))} / ${ms(percentile(r.propose, 99))} | ${ms(percentile(r.executing, 50))} / ${ms(percentile(r.executing, 99))} | ${(percentile(r.executing, 99) / floorP99).toFixed(2)}× | ${ms(r.restoreMs)} |`)
}
const at10k = ledgerRuns.at(-1)!
const naive10k = naiveRuns.at(-1)!
lines.push('')
lines.push('## Against the targets')
lines.push('')
lines.push(`- p99 within 3× the fsync floor at 10,000 (p99 against the floor's p99, like for like): propose ${(percentile(at10k.propose, 99) / floorP99).toFixed(2)}×, executing ${(percentile(at10k.executing, 99) / floorP99).toFixed(2)}× — ${percentile(at10k.propose, 99) <= 3 * floorP99 && percentile(at10k.executing, 99) <= 3 * floorP99 ? 'met' : 'NOT met'}. Against the floor's p50 instead: ${(percentile(at10k.propose, 99) / floorP50).toFixed(1)}×, ${(percentile(at10k.executing, 99) / floorP50).toFixed(1)}× (an atomic write is a file create, a write, an fsync and a rename, so it cannot come near one bare fsync's median).`)
lines.push(`- restore of 10,000 under 200 ms: start-up restore ${ms(at10k.restoreMs)} ms (reads the ${Math.round(at10k.size / 20).toLocaleString('en-US')} actions still in play) — ${at10k.restoreMs < 200 ? 'met' : 'NOT met'}; all 10,000 including settled ones ${ms(at10k.restoreMs + at10k.settledMs)} ms — ${at10k.restoreMs + at10k.settledMs < 200 ? 'met' : 'NOT met'}.`)
lines.push(`- naive baseline at 10,000: executing p50 ${ms(percentile(naive10k.executing, 50))} ms, ${(percentile(naive10k.executing, 50) / percentile(at10k.executing, 50)).toFixed(1)}× the bucketed ledger's p50.`)
lines.push('')
lines.push('Each change in either layout is an electron-store (conf) atomic write: temporary file, write, fsync, rename. The Countersign ledger rewrites only the small file holding that action among those still in play, so its cost stays near one atomic write as the ledger grows; settled actions are read on first use and never rewritten by later changes. The naive layout re-reads, re-serialises and rewrites everything on every change.')

// The browser section (BENCH_BROWSER=0 skips it, e.g. where Chromium is missing).
if (process.env.BENCH_BROWSER !== '0') {
  lines.push('')
  lines.push(...(await browserSection()))
}

const out = join(import.meta.dirname, 'results.md')
writeFileSync(out, lines.join('\n') + '\n')
console.log(lines.join('\n'))
if (!process.env.BENCH_KEEP) rmSync(root, { recursive: true, force: true })
else console.log(`kept ${root}`)
