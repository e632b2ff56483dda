// Money and tokens as the Activity screen says them: plainly, and never a cost that was not priced.

const tokens = (n: number) => n.toLocaleString('en-US')

/** "$0.0123" below a dollar (to four places, so small requests do not all read $0.00), "$12.34" above. */
export function formatUsd(usd: number): string {
  if (usd === 0) return '$0.00'
  if (usd < 0.0001) return '< $0.0001'
  return usd < 1 ? `$${usd.toFixed(4)}` : `$${usd.toFixed(2)}`
}

export function formatTokens(input: number | null, output: number | null): string {
  if (input === null && output === null) return 'tokens not reported'
  return `${tokens(input ?? 0)} in · ${tokens(output ?? 0)} out`
}

/** Local midnight of a yyyy-mm-dd date input, in milliseconds. */
export function dayStart(value: string): number | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return undefined
  const [y, m, d] = value.split('-').map(Number)
  return new Date(y, m - 1, d).getTime()
}

export function monthName(month: string): string {
  const [y, m] = month.split('-').map(Number)
  return new Date(y, m - 1, 1).toLocaleDateString(undefined, { month: 'long', year: 'numeric' })
}

const OUTCOME_WORDS: Record<string, string> = {
  succeeded: 'Done',
  failed: 'Failed',
  declined: 'Declined',
  expired: 'Expired',
  superseded: 'Superseded',
  cancelled: 'Cancelled',
  outcome_unknown: 'Outcome unknown',
  pending: 'Waiting for approval',
  approved: 'Approved',
  executing: 'Running',
  proposed: 'Proposed',
  refused: 'Refused',
  returned: 'Read',
  answered: 'Answered',
  error: 'Error',
  stopped: 'Stopped',
  waiting: 'Waiting',
  running: 'In progress'
}

export function outcomeWord(outcome: string): string {
  return OUTCOME_WORDS[outcome] ?? outcome
}
