// Who an email goes to: party ids (contacts, accounts, the invoice's own party) and addresses,
// resolved in two batched reads whatever the number of recipients.
import { CrmError, type Recipient, type RecordType } from '../types'
import { EMAIL_RE } from './email'
import { readChecked, type ReadContext } from './reads'
import type { Row } from './transport'

const PARTY_REF = /^(?:(?:contact|account|party):)?(\d+)$/

/**
 * Resolves each entry to a recipient. With no entries and a record the email is about, the
 * default recipient is that record's party: the account or contact itself, a deal's account, an
 * invoice's own party (its email contact mechanism).
 */
export async function resolveRecipients(ctx: ReadContext, to: string[], about: { type: RecordType; id: string } | null): Promise<Recipient[]> {
  const entries = to.map((t) => t.trim()).filter(Boolean)
  if (entries.length === 0 && about) {
    const { record } = await readChecked(ctx, about.type, about.id)
    const partyId = about.type === 'account' || about.type === 'contact' ? record.id : (record.fields.accountId as string | null | undefined)
    if (partyId) entries.push(partyId)
  }
  const ids = [...new Set(entries.map((e) => PARTY_REF.exec(e)?.[1]).filter((m): m is string => m !== undefined).map(Number))]
  const addresses = [...new Set(entries.filter((e) => !PARTY_REF.test(e)).map((e) => e.toLowerCase()))]
  for (const a of addresses) if (!EMAIL_RE.test(a)) throw new CrmError('invalid', `Not an email address or contact id: ${a}`)

  // One read for every party id: Tryton refuses (in its words) a party this user may not read.
  const parties = new Map<number, Row>()
  if (ids.length) for (const row of await ctx.transport.read('party.party', ids, ['name', 'email'])) parties.set(Number(row.id), row)
  // One search for every address: the name of the party it belongs to, when this user sees one.
  const names = new Map<string, string>()
  if (addresses.length) {
    const mechs = await ctx.transport.searchRead('party.contact_mechanism', [['type', '=', 'email'], ['value', 'in', addresses]], ['value', 'party.rec_name'])
    for (const m of mechs) {
      const party = m['party.'] as Row | undefined
      const key = String(m.value ?? '').toLowerCase()
      if (!names.has(key) && typeof party?.rec_name === 'string') names.set(key, party.rec_name)
    }
  }

  const out: Recipient[] = []
  for (const entry of entries) {
    const m = PARTY_REF.exec(entry)
    if (m) {
      const row = parties.get(Number(m[1]))
      if (!row) throw new CrmError('not_found', `No contact or account with id ${m[1]} in Tryton.`)
      const email = typeof row.email === 'string' ? row.email : ''
      if (!email) throw new CrmError('invalid', `${String(row.name ?? entry)} has no email address in Tryton.`)
      out.push({ name: String(row.name ?? email), address: email })
    } else {
      out.push({ name: names.get(entry.toLowerCase()) ?? entry, address: entry })
    }
  }
  const seen = new Set<string>()
  return out.filter((r) => (seen.has(r.address.toLowerCase()) ? false : (seen.add(r.address.toLowerCase()), true)))
}
