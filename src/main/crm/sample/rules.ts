// The sample workspace's permission rules, as one pure function. The server calls it on every
// operation; nothing else decides who may see or change what.
//
//   records:      `<type>.read | .create | .update` per record type (accounts, contacts, deals, invoices)
//   deals:        readable and updatable only when owned by the user or by their team,
//                 unless the user holds `deal.all_teams`
//   messages:     `message.send`; plus reading the record a message is about (checked by the server)
//   automations:  `automation.read` to see them, `automation.switch` to switch them on or off
//   organisation: `organisation.admin` to change the organisation's Countersign policy
import type { FieldValue, RecordType } from '../types'
import type { SampleUser } from './model'

export type Verb = 'read' | 'create' | 'update' | 'send' | 'switch' | 'administer'

export type Subject =
  /** A record type as a whole: may the user read / create / update records of this type at all? */
  | { kind: 'records'; type: RecordType }
  /** One record: type-level permission and then record-level visibility. */
  | { kind: 'record'; type: RecordType; id: string; fields: Record<string, FieldValue> }
  | { kind: 'messages' }
  | { kind: 'automations' }
  /** The organisation's Countersign policy. */
  | { kind: 'organisation' }

export type Decision = { allowed: true } | { allowed: false; reason: string }

const PLURAL: Record<RecordType, string> = { account: 'accounts', contact: 'contacts', deal: 'deals', invoice: 'invoices' }
const ALLOW: Decision = { allowed: true }
const refuse = (user: SampleUser, what: string): Decision => ({ allowed: false, reason: `${user.name} may not ${what}` })

export function can(user: SampleUser, verb: Verb, subject: Subject): Decision {
  const has = (p: string) => user.permissions.includes(p)
  switch (subject.kind) {
    case 'records':
    case 'record': {
      if (verb !== 'read' && verb !== 'create' && verb !== 'update') return refuse(user, `${verb} ${PLURAL[subject.type]}`)
      if (!has(`${subject.type}.${verb}`)) return refuse(user, `${verb} ${PLURAL[subject.type]}`)
      if (subject.kind === 'records' || subject.type !== 'deal' || verb === 'create') return ALLOW
      const { ownerId, team } = subject.fields
      if (has('deal.all_teams') || ownerId === user.id || (user.team !== null && team === user.team)) return ALLOW
      return refuse(user, `${verb} deal ${subject.id}: it belongs to another team`)
    }
    case 'messages':
      return verb === 'send' && has('message.send') ? ALLOW : refuse(user, 'send messages')
    case 'automations':
      if (verb === 'read') return has('automation.read') ? ALLOW : refuse(user, 'see automations')
      if (verb === 'switch') return has('automation.switch') ? ALLOW : refuse(user, 'switch automations on or off')
      return refuse(user, `${verb} automations`)
    case 'organisation':
      return verb === 'administer' && has('organisation.admin') ? ALLOW : refuse(user, "change the organisation's Countersign policy")
  }
}
