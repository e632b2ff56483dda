// Export of the activity on screen: JSON Lines (one request per line, everything the screen has)
// and CSV (one row per request, read and write, for a spreadsheet). A cell that a spreadsheet would
// run as a formula (=, +, -, @, tab, return) is quoted with a leading apostrophe.
import type { ActivityItem } from '../../shared/activity'

export function toJsonLines(items: ActivityItem[]): string {
  return items.map((item) => JSON.stringify(item)).join('\n') + (items.length ? '\n' : '')
}

const COLUMNS = [
  'time',
  'row',
  'request',
  'conversation',
  'conversation title',
  'ability',
  'outcome',
  'records',
  'text',
  'decided by',
  'decided at',
  'reason or result',
  'provider',
  'model',
  'input tokens',
  'output tokens',
  'cost (USD)'
] as const

function cell(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return ''
  let text = String(value)
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text
}

const iso = (at: number | null) => (at === null ? '' : new Date(at).toISOString())
const names = (records: { type: string; id: string; label: string }[]) => records.map((r) => `${r.label} (${r.type} ${r.id})`).join('; ')

export function toCsv(items: ActivityItem[]): string {
  const rows: (string | number | null)[][] = [[...COLUMNS]]
  for (const item of items) {
    const provider = item.providers.map((p) => p.provider).join('; ')
    const model = item.providers.map((p) => p.model).join('; ')
    rows.push([
      iso(item.at),
      item.kind,
      item.id,
      item.conversationId,
      item.conversationTitle,
      '',
      item.status,
      '',
      [item.question, item.answer].filter(Boolean).join('\n→ '),
      '',
      '',
      '',
      provider,
      model,
      item.inputTokens,
      item.outputTokens,
      item.costUsd === null ? null : item.costUsd.toFixed(6)
    ])
    for (const read of item.reads) {
      rows.push([iso(read.at), read.effect === 'write' ? 'refused write' : 'read', item.id, item.conversationId, item.conversationTitle, read.ability, read.outcome, names(read.records) + (read.moreRecords ? `; and ${read.moreRecords} more` : ''), read.summary, '', '', read.detail, '', '', null, null, null])
    }
    for (const write of item.writes) {
      rows.push([
        iso(write.at),
        'write',
        item.id,
        item.conversationId,
        item.conversationTitle,
        write.ability,
        write.outcome + (write.settled ? ` (${write.settled})` : ''),
        names(write.records),
        write.summary,
        write.decidedBy,
        iso(write.decidedAt),
        write.declineReason ?? write.result,
        '',
        '',
        null,
        null,
        null
      ])
    }
  }
  return rows.map((row) => row.map(cell).join(',')).join('\r\n') + '\r\n'
}
