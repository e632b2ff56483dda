// Tryton marketing automation scenarios as Countersign automations, described in words: which
// records they run on (the scenario's domain, spelled out) and what each step does.
import { createHash } from 'node:crypto'
import type { Automation } from '../types'
import type { Row } from './transport'

export const SCENARIO = 'marketing.automation.scenario'
export const SCENARIO_FIELDS = [
  'name',
  'state',
  'model',
  'domain',
  'activities.name',
  'activities.action',
  'activities.delay',
  'activities.email_title',
  'write_date',
  'create_date',
  '_timestamp'
]

const MODEL_NAMES: Record<string, string> = {
  'party.party': 'parties',
  'sale.opportunity': 'opportunities',
  'account.invoice': 'invoices'
}

const FIELD_NAMES: Record<string, string> = {
  name: 'the name',
  categories: 'the categories',
  email: 'the email',
  phone: 'the phone',
  'addresses.city': 'the city',
  state: 'the state',
  party: 'the party',
  'party.name': "the party's name",
  description: 'the description',
  amount: 'the amount',
  active: 'active'
}

function describeDelay(seconds: unknown): string {
  if (typeof seconds !== 'number' || seconds <= 0) return 'straight away'
  const days = seconds / 86_400
  if (Number.isInteger(days)) return `after ${days} day${days === 1 ? '' : 's'}`
  const hours = seconds / 3600
  if (Number.isInteger(hours)) return `after ${hours} hour${hours === 1 ? '' : 's'}`
  return `after ${Math.round(seconds / 60)} minutes`
}

function value(v: unknown): string {
  if (v === null || v === undefined) return 'empty'
  if (Array.isArray(v)) return v.map(value).join(', ')
  if (typeof v === 'object') return 'a computed value'
  return `"${String(v)}"`
}

function likeText(pattern: unknown): string {
  return `"${String(pattern).replace(/^%|%$/g, '')}"`
}

function clause(c: unknown[]): string {
  const [field, op, v] = c
  const name = FIELD_NAMES[String(field)] ?? String(field).replace(/[._]/g, ' ')
  switch (op) {
    case '=':
      return v === null ? `${name} is empty` : `${name} is ${value(v)}`
    case '!=':
      return v === null ? `${name} is not empty` : `${name} is not ${value(v)}`
    case 'ilike':
    case 'like':
      return `${name} contains ${likeText(v)}`
    case 'not ilike':
    case 'not like':
      return `${name} does not contain ${likeText(v)}`
    case 'in':
      return `${name} is one of ${value(v)}`
    case 'not in':
      return `${name} is none of ${value(v)}`
    case '<':
      return `${name} is less than ${value(v)}`
    case '>':
      return `${name} is more than ${value(v)}`
    case '<=':
      return `${name} is at most ${value(v)}`
    case '>=':
      return `${name} is at least ${value(v)}`
    default:
      return `${name} ${String(op)} ${value(v)}`
  }
}

/** A Tryton domain in words; the raw domain only when it is not a plain list of conditions. */
export function describeDomain(domain: unknown): string {
  let parsed: unknown = domain
  if (typeof domain === 'string') {
    try {
      parsed = JSON.parse(domain)
    } catch {
      return `the condition ${domain}`
    }
  }
  const words = (d: unknown): string | null => {
    if (!Array.isArray(d)) return null
    if (d.length === 0) return 'all'
    if (d.length >= 2 && typeof d[0] === 'string' && typeof d[1] === 'string' && !['AND', 'OR'].includes(d[0])) return clause(d)
    const join = d[0] === 'OR' ? ' or ' : ' and '
    const parts = (d[0] === 'OR' || d[0] === 'AND' ? d.slice(1) : d).map(words)
    if (parts.some((p) => p === null)) return null
    return parts.length === 1 ? (parts[0] as string) : `(${parts.join(join)})`
  }
  const text = words(parsed)
  if (text === null) return `the condition ${JSON.stringify(parsed)}`
  return text === 'all' ? 'all' : `where ${text.replace(/^\((.*)\)$/, '$1')}`
}

export function toAutomation(row: Row): Automation {
  const activities = Array.isArray(row['activities.']) ? (row['activities.'] as Row[]) : []
  const model = String(row.model ?? '')
  const steps = activities.map((a) => {
    const what = a.action === 'send_email' ? `sends the email "${String(a.email_title ?? '')}"` : 'does nothing (no action set)'
    return `${String(a.name ?? 'step')}: ${what} ${describeDelay(a.delay)}`
  })
  const where = describeDomain(row.domain ?? '[]')
  const target = MODEL_NAMES[model] ?? model
  const description =
    (where === 'all' ? `Runs on all ${target}` : `Runs on ${target} ${where}`) + (steps.length ? `. ${steps.join('; ')}.` : '. It has no steps yet.')
  const fields = { name: String(row.name ?? ''), state: String(row.state ?? ''), description }
  const stamp = String(row.write_date ?? row.create_date ?? '0')
  const digest = createHash('sha256').update(JSON.stringify([row.id, fields])).digest('hex').slice(0, 12)
  return {
    id: String(row.id),
    name: fields.name || `Scenario ${String(row.id)}`,
    description,
    active: row.state === 'running',
    version: `${stamp}~${digest}`
  }
}
