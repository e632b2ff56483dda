// The sample workspace's permission rules, as a table: every user × every record type × every verb.
import { describe, expect, it } from 'vitest'
import { createSeedWorkspace } from '../../../src/main/crm/sample/seed'
import { can, type Subject } from '../../../src/main/crm/sample/rules'
import { RECORD_TYPES, type RecordType } from '../../../src/main/crm/types'

const ws = createSeedWorkspace(new Date('2026-03-15T10:00:00Z'))
const user = (login: string) => ws.users.find((u) => u.login === login)!
const allowed = (login: string, verb: Parameters<typeof can>[1], subject: Subject) => can(user(login), verb, subject).allowed

// r = read, c = create, u = update
const TYPE_RULES: Record<string, Record<RecordType, string>> = {
  rita: { account: 'rcu', contact: 'rcu', deal: 'rcu', invoice: '' },
  theo: { account: 'rcu', contact: 'rcu', deal: 'rcu', invoice: '' },
  sam: { account: 'rcu', contact: 'rcu', deal: 'rcu', invoice: '' },
  frank: { account: 'r', contact: 'ru', deal: 'r', invoice: 'r' },
  maria: { account: 'rcu', contact: 'rcu', deal: 'rcu', invoice: 'r' }
}

describe('sample workspace rules: can(user, verb, subject)', () => {
  for (const [login, rules] of Object.entries(TYPE_RULES)) {
    for (const type of RECORD_TYPES) {
      for (const [letter, verb] of [['r', 'read'], ['c', 'create'], ['u', 'update']] as const) {
        const expected = rules[type].includes(letter)
        it(`${login} ${expected ? 'may' : 'may not'} ${verb} ${type}s`, () => {
          expect(allowed(login, verb, { kind: 'records', type })).toBe(expected)
        })
      }
    }
  }

  it('names the user and what was refused', () => {
    expect(can(user('rita'), 'read', { kind: 'records', type: 'invoice' })).toEqual({
      allowed: false,
      reason: 'Rita Alvarez may not read invoices'
    })
    expect(can(user('frank'), 'update', { kind: 'records', type: 'deal' })).toEqual({
      allowed: false,
      reason: 'Frank Osei may not update deals'
    })
    expect(can(user('rita'), 'switch', { kind: 'automations' })).toEqual({
      allowed: false,
      reason: 'Rita Alvarez may not switch automations on or off'
    })
  })

  describe('deal visibility: own and team, unless the user sees all teams', () => {
    const deal = (owner: string) => ws.records.deal.find((d) => d.fields.ownerId === `u-${owner}`)!
    const subject = (owner: string): Subject => ({ kind: 'record', type: 'deal', id: deal(owner).id, fields: deal(owner).fields })
    const VISIBLE: Record<string, string[]> = {
      rita: ['rita', 'theo'],
      theo: ['rita', 'theo'],
      sam: ['sam'],
      frank: ['rita', 'theo', 'sam', 'maria'],
      maria: ['rita', 'theo', 'sam', 'maria']
    }
    for (const [login, owners] of Object.entries(VISIBLE)) {
      for (const owner of ['rita', 'theo', 'sam', 'maria']) {
        const expected = owners.includes(owner)
        it(`${login} ${expected ? 'sees' : 'does not see'} a deal owned by ${owner}`, () => {
          expect(allowed(login, 'read', subject(owner))).toBe(expected)
        })
      }
    }

    it('updating a deal needs both the permission and the visibility', () => {
      expect(allowed('rita', 'update', subject('theo'))).toBe(true)
      expect(allowed('rita', 'update', subject('sam'))).toBe(false)
      expect(allowed('frank', 'update', subject('rita'))).toBe(false)
      expect(allowed('maria', 'update', subject('sam'))).toBe(true)
      expect(can(user('rita'), 'read', subject('sam'))).toEqual({
        allowed: false,
        reason: `Rita Alvarez may not read deal ${deal('sam').id}: it belongs to another team`
      })
    })

    it('a revoked permission is refused even for the owner', () => {
      const rita = { ...user('rita'), permissions: user('rita').permissions.filter((p) => p !== 'deal.update') }
      expect(can(rita, 'update', subject('rita')).allowed).toBe(false)
    })
  })

  it('messages and automations', () => {
    for (const login of ['rita', 'theo', 'sam', 'frank', 'maria']) {
      expect(allowed(login, 'send', { kind: 'messages' })).toBe(true)
      expect(allowed(login, 'read', { kind: 'automations' })).toBe(true)
      expect(allowed(login, 'switch', { kind: 'automations' })).toBe(login === 'maria')
    }
    const noSend = { ...user('rita'), permissions: [] }
    expect(can(noSend, 'send', { kind: 'messages' })).toEqual({ allowed: false, reason: 'Rita Alvarez may not send messages' })
  })
})
