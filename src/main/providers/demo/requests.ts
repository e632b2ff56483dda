// What the offline demo assistant understands. It is a fixed set of patterns, not a model: the
// list below is shown in the UI and the README, and `parseRequest` is the whole of its
// "understanding". Matching is case-insensitive and tolerant of wording.

import { DEMO_EXAMPLES, type DemoExample } from '../../../shared/demo-examples'

export { DEMO_EXAMPLES, type DemoExample }

export type DemoRequest =
  | { kind: 'overdue' }
  | { kind: 'contact'; text: string }
  | { kind: 'account'; text: string }
  | { kind: 'deals'; text: string | null }
  | { kind: 'deal-stage'; deal: string; stage: string }
  | { kind: 'deal-amount'; deal: string; amount: number }
  | { kind: 'email-invoice'; who: string }
  | { kind: 'automation'; name: string; on: boolean }
  | { kind: 'help' }
  | { kind: 'unknown' }

const STAGE_ALIASES: Record<string, string> = {
  prospect: 'prospecting',
  prospecting: 'prospecting',
  qualify: 'qualification',
  qualified: 'qualification',
  qualification: 'qualification',
  proposal: 'proposal',
  'proposal sent': 'proposal',
  quote: 'proposal',
  negotiation: 'negotiation',
  negotiating: 'negotiation',
  negotiate: 'negotiation',
  won: 'won',
  'closed won': 'won',
  'closed-won': 'won',
  win: 'won',
  lost: 'lost',
  'closed lost': 'lost',
  'closed-lost': 'lost'
}

/** Lower-cases and maps common names of deal stages; anything else is passed on as typed. */
export function normaliseStage(stage: string): string {
  const s = clean(stage).toLowerCase().replace(/^(the\s+)?(stage\s+)?/, '').replace(/\s+stage$/, '')
  return STAGE_ALIASES[s] ?? s
}

/** "48,500", "$48.5k", "1.2m", "25 000 EUR" → number, or null. */
export function parseAmount(text: string): number | null {
  const m = /(-?\d[\d,\s']*(?:\.\d+)?)\s*(k|m|thousand|million)?\b/i.exec(text.replace(/[$€£¥]/g, ''))
  if (!m) return null
  const n = Number(m[1]!.replace(/[,\s']/g, ''))
  if (!Number.isFinite(n)) return null
  const unit = (m[2] ?? '').toLowerCase()
  const factor = unit === 'k' || unit === 'thousand' ? 1_000 : unit === 'm' || unit === 'million' ? 1_000_000 : 1
  return Math.round(n * factor * 100) / 100
}

/** Trims quotes, trailing punctuation and filler words around a name. */
export function clean(text: string): string {
  return text
    .trim()
    .replace(/^[\s"'“”‘’]+|[\s"'“”‘’.!?,;:]+$/g, '')
    .replace(/\s+(please|for me|thanks|thank you)$/i, '')
    .replace(/^(please\s+)/i, '')
    .trim()
}

function stripArticle(text: string): string {
  return clean(text).replace(/^(the|a|an|our|my)\s+/i, '').trim()
}

export function parseRequest(input: string): DemoRequest {
  const text = input.replace(/\s+/g, ' ').trim()
  const t = text.toLowerCase().replace(/[?!.]+$/, '')
  if (!t) return { kind: 'help' }
  if (/^(help|what can you do|what do you understand|\?+|hi|hello|hey)\b/.test(t) && t.length < 40) return { kind: 'help' }

  // Email X about their (overdue) invoice — before "overdue invoices", which it also mentions.
  let m = /\b(?:e-?mail|write to|send (?:an? )?(?:e-?mail|message|reminder|note) to|remind|message|contact)\s+(.+?)\s+(?:about|regarding|re:?|concerning|for)\s+(?:their|the|his|her|its|an?|our)?\s*(?:overdue|late|unpaid|outstanding|open)?\s*(?:invoices?|bills?|payments?)\b/i.exec(
    text
  )
  if (m) return { kind: 'email-invoice', who: stripArticle(m[1]!) }
  m = /\b(?:e-?mail|write to|message|remind)\s+(.+?)\s+(?:about|regarding)\s+(?:theirs|hers|his|it|that)$/i.exec(clean(text))
  if (m) return { kind: 'email-invoice', who: stripArticle(m[1]!) }
  m = /\b(?:send|write)\s+(?:an?\s+)?(?:payment\s+)?reminder\s+(?:e-?mail\s+)?to\s+(.+?)(?:\s+(?:about|for|regarding)\b.*)?$/i.exec(text)
  if (m) return { kind: 'email-invoice', who: stripArticle(m[1]!) }

  // Automations: "switch on X", "turn X off", "enable the automation X".
  m = /\b(?:switch|turn|toggle|set)\s+(on|off)\s+(?:the\s+)?(?:automation\s+)?(.+)$/i.exec(text)
  if (m) return { kind: 'automation', on: m[1]!.toLowerCase() === 'on', name: automationName(m[2]!) }
  m = /\b(?:switch|turn|set)\s+(?:the\s+)?(?:automation\s+)?(.+?)\s+(on|off)$/i.exec(clean(text))
  if (m) return { kind: 'automation', on: m[2]!.toLowerCase() === 'on', name: automationName(m[1]!) }
  m = /\b(enable|disable|activate|deactivate|start|stop|pause)\s+(?:the\s+)?(?:automation\s+)?(.+)$/i.exec(text)
  if (m && (/automation/i.test(text) || /^(enable|disable|activate|deactivate)$/i.test(m[1]!) || !/\b(deal|invoice|contact|account)\b/i.test(text))) {
    const verb = m[1]!.toLowerCase()
    return { kind: 'automation', on: ['enable', 'activate', 'start'].includes(verb), name: automationName(m[2]!) }
  }

  // Deal amount: "set the amount of deal X to 25,000", "change X's amount to 25k", "update deal X amount to …".
  m = /\b(?:set|change|update|make)\s+(?:the\s+)?(?:amount|value)\s+(?:of|on|for)\s+(?:the\s+)?(?:deal\s+)?(.+?)\s+(?:deal\s+)?to\s+(.+)$/i.exec(text)
  if (!m) m = /\b(?:set|change|update)\s+(?:the\s+)?(?:deal\s+)?(.+?)(?:'s|’s)?\s+(?:deal\s+)?(?:amount|value)\s+to\s+(.+)$/i.exec(text)
  if (m) {
    const amount = parseAmount(m[2]!)
    if (amount !== null) return { kind: 'deal-amount', deal: dealName(m[1]!), amount }
  }

  // Deal stage: "move deal X to proposal", "update the deal X to stage won", "set deal X stage to won".
  m = /\b(?:move|update|set|change|put|advance|mark)\s+(?:the\s+)?deal\s+(.+?)\s+(?:stage\s+)?(?:to|as|into)\s+(?:the\s+)?(?:stage\s+)?(.+)$/i.exec(text)
  if (!m) m = /\b(?:move|update|set|change|put|advance|mark)\s+(?:the\s+)?(.+?)\s+deal\s+(?:stage\s+)?(?:to|as|into)\s+(?:the\s+)?(?:stage\s+)?(.+)$/i.exec(text)
  if (!m) m = /\b(?:set|change|update)\s+(?:the\s+)?stage\s+(?:of|on|for)\s+(?:the\s+)?(?:deal\s+)?(.+?)\s+to\s+(.+)$/i.exec(text)
  if (!m) m = /\bmove\s+(.+?)\s+to\s+(?:the\s+)?(?:stage\s+)?(prospecting|qualification|proposal|negotiation|won|lost|closed[ -]won|closed[ -]lost)\b/i.exec(text)
  if (m) return { kind: 'deal-stage', deal: dealName(m[1]!), stage: normaliseStage(m[2]!) }

  // Overdue invoices.
  if (/\b(overdue|past[- ]due|late|unpaid|outstanding)\b.*\binvoices?\b|\binvoices?\b.*\b(overdue|past[- ]due|late|unpaid|outstanding)\b|^overdue\b/.test(t)) {
    return { kind: 'overdue' }
  }

  // Contacts: "find the contact named X", "who is X", "look up X contact".
  m = /\b(?:find|look\s*up|search(?: for)?|show(?: me)?|get|open)\s+(?:the\s+|a\s+)?contacts?\s+(?:named|called|for|with (?:the )?name)?\s*(.+)$/i.exec(text)
  if (m) return { kind: 'contact', text: stripArticle(m[1]!) }
  m = /^who(?:'s| is)\s+(.+)$/i.exec(clean(text))
  if (m) return { kind: 'contact', text: stripArticle(m[1]!) }
  m = /\b(?:find|look\s*up|search(?: for)?)\s+(.+?)\s+(?:contact|person)$/i.exec(clean(text))
  if (m) return { kind: 'contact', text: stripArticle(m[1]!) }

  // Accounts.
  m = /\b(?:find|look\s*up|search(?: for)?|show(?: me)?|get|open)\s+(?:the\s+|a\s+)?(?:account|company|customer|organi[sz]ation|client)s?\s+(?:named|called|for)?\s*(.+)$/i.exec(text)
  if (m) return { kind: 'account', text: stripArticle(m[1]!) }

  // Deals: "show deals", "list open deals for Acme", "what deals do we have with X".
  m = /\b(?:show|list|find|see|get|what(?: are)?)\s+(?:me\s+)?(?:the\s+|my\s+|all\s+|our\s+)?(?:open\s+|current\s+)?deals?\b(?:\s+(?:for|with|of|at|named|called|about|on)\s+(.+))?/i.exec(text)
  if (m) {
    const target = m[1] ?? /\bdeals?\b.*?\b(?:for|with|of|at)\s+(.+)$/i.exec(text)?.[1]
    return { kind: 'deals', text: target ? stripArticle(target) : null }
  }
  if (/^deals?$/.test(t)) return { kind: 'deals', text: null }

  return { kind: 'unknown' }
}

function automationName(text: string): string {
  return stripArticle(text).replace(/\s+automation$/i, '').replace(/^automation\s+/i, '').trim()
}

function dealName(text: string): string {
  return stripArticle(text).replace(/^deal\s+/i, '').replace(/\s+deal$/i, '').replace(/(?:'s|’s)$/, '').trim()
}
