// Shared by the benchmark's parts: timing, statistics, the disk's floors, a realistic action.
import { closeSync, fdatasyncSync, fsyncSync, openSync, renameSync, writeSync } from 'node:fs'
import { join } from 'node:path'
import type { ActionRecord } from '../src/main/actions/ledger'

export function time(fn: () => void): number {
  const start = process.hrtime.bigint()
  fn()
  return Number(process.hrtime.bigint() - start) / 1e6
}

export async function timeAsync(fn: () => Promise<unknown>): Promise<number> {
  const start = process.hrtime.bigint()
  await fn()
  return Number(process.hrtime.bigint() - start) / 1e6
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]
}

/** CPU time (user + system) of the process while `fn` runs: less shaken than wall time by a busy machine. */
export async function cpuOf<T>(fn: () => Promise<T> | T): Promise<{ value: T; cpuMs: number; wallMs: number }> {
  const cpu = process.cpuUsage()
  const start = process.hrtime.bigint()
  const value = await fn()
  const wallMs = Number(process.hrtime.bigint() - start) / 1e6
  const used = process.cpuUsage(cpu)
  return { value, cpuMs: (used.user + used.system) / 1000, wallMs }
}

export const median = (values: number[]) => percentile(values, 50)

export const gc = () => (globalThis as { gc?: () => void }).gc?.()

/** The cheapest durable write this disk allows: open, a small write, fsync, close. */
export function fsyncProbe(dir: string, i: number): number {
  const file = join(dir, 'fsync-probe')
  return time(() => {
    const fd = openSync(file, 'w')
    writeSync(fd, `probe ${i}`)
    fsyncSync(fd)
    closeSync(fd)
  })
}

/** The cheapest durable append, what a journal line costs at least: open for append, a line, fdatasync, close. */
export function appendProbe(dir: string, i: number): number {
  const file = join(dir, 'append-probe')
  const line = `${'x'.repeat(1_400)} ${i}\n`
  return time(() => {
    const fd = openSync(file, 'a')
    writeSync(fd, line)
    fdatasyncSync(fd)
    closeSync(fd)
  })
}

/** The cheapest atomic replace: a small temporary file, fsync, rename over the target. */
export function atomicProbe(dir: string, i: number): number {
  const target = join(dir, 'atomic-probe')
  return time(() => {
    const tmp = `${target}.${i}.tmp`
    const fd = openSync(tmp, 'w')
    writeSync(fd, `probe ${i}`)
    fsyncSync(fd)
    closeSync(fd)
    renameSync(tmp, target)
  })
}

let seq = 0
/** An action as the app stores it: an update of a deal's stage and amount, with its card. */
export function fakeAction(state: ActionRecord['state'], now: number): ActionRecord {
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
    hash: '', // seeded records are only restored, never decided; proposals get theirs from the ledger
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
      { state: 'pending', at: now },
      ...(state === 'pending' ? [] : [{ state: 'approved' as const, at: now }, { state: 'executing' as const, at: now }, { state, at: now }])
    ]
  }
}

export const draftOf = (a: ActionRecord) => ({
  conversationId: a.conversationId,
  toolCallId: a.toolCallId,
  ability: a.ability,
  abilityTitle: a.abilityTitle,
  input: a.input,
  recordVersion: a.recordVersion,
  card: a.card,
  principal: a.principal,
  userName: a.userName,
  provider: a.provider,
  model: a.model
})
