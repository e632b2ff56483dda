// Approval binds to what was shown (invariant 6): the hash of ability, canonical input and
// record version.
import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { actionHash, canonicalJson } from '../../../src/main/actions/hash'

const HEX64 = /^[0-9a-f]{64}$/

describe('canonicalJson', () => {
  it('sorts keys at the top level', () => {
    expect(canonicalJson({ b: 1, a: 2 })).toBe('{"a":2,"b":1}')
    expect(canonicalJson({ b: 1, a: 2 })).toBe(canonicalJson({ a: 2, b: 1 }))
  })

  it('sorts keys at every depth, including objects inside arrays', () => {
    const one = { z: { y: { x: 1, w: [{ d: 1, c: 2 }] }, b: 0 }, a: [3, { f: 1, e: 2 }] }
    const two = { a: [3, { e: 2, f: 1 }], z: { b: 0, y: { w: [{ c: 2, d: 1 }], x: 1 } } }
    expect(canonicalJson(one)).toBe(canonicalJson(two))
    expect(canonicalJson(one)).toBe('{"a":[3,{"e":2,"f":1}],"z":{"b":0,"y":{"w":[{"c":2,"d":1}],"x":1}}}')
  })

  it('keeps array order (order in an array is meaning, not layout)', () => {
    expect(canonicalJson([1, 2])).not.toBe(canonicalJson([2, 1]))
  })

  it('ignores undefined fields at every depth', () => {
    expect(canonicalJson({ a: 1, b: undefined })).toBe(canonicalJson({ a: 1 }))
    expect(canonicalJson({ o: { a: 1, b: undefined } })).toBe('{"o":{"a":1}}')
  })

  it('keeps null (null is a value, unlike undefined)', () => {
    expect(canonicalJson({ a: null })).toBe('{"a":null}')
    expect(canonicalJson({ a: null })).not.toBe(canonicalJson({}))
  })

  it('passes scalars through as JSON', () => {
    expect(canonicalJson('x')).toBe('"x"')
    expect(canonicalJson(1.5)).toBe('1.5')
    expect(canonicalJson(true)).toBe('true')
    expect(canonicalJson(null)).toBe('null')
  })
})

const CARD = { summary: 'Change Acme renewal: stage from proposal to won.', detail: { kind: 'update', record: { type: 'deal', id: 'D-1', label: 'Acme renewal' }, changes: [] } }
const hash3 = (ability: string, input: unknown, recordVersion: string | null) => actionHash(ability, input, recordVersion, CARD)

describe('actionHash', () => {
  const input = { type: 'deal', id: 'D-1', fields: { stage: 'won', amount: 1000, notes: { a: 1, b: [1, 2] } } }

  it('is a stable lowercase hex sha256 (64 chars)', () => {
    const h = hash3('update_record', input, 'v1')
    expect(h).toMatch(HEX64)
    expect(hash3('update_record', structuredClone(input), 'v1')).toBe(h)
    // It is exactly sha256 over the canonical JSON of { ability, input, recordVersion, card }.
    const expected = createHash('sha256')
      .update(canonicalJson({ ability: 'update_record', input, recordVersion: 'v1', card: CARD }))
      .digest('hex')
    expect(h).toBe(expected)
  })

  it('a known vector stays the same (guards against silent changes to the canonical form)', () => {
    // sha256('{"ability":"a","card":null,"input":{"x":1},"recordVersion":null}')
    const expected = createHash('sha256').update('{"ability":"a","card":null,"input":{"x":1},"recordVersion":null}').digest('hex')
    expect(actionHash('a', { x: 1 }, null, null)).toBe(expected)
  })

  it('does not depend on key order at any depth', () => {
    const reordered = { fields: { notes: { b: [1, 2], a: 1 }, amount: 1000, stage: 'won' }, id: 'D-1', type: 'deal' }
    expect(hash3('update_record', reordered, 'v1')).toBe(hash3('update_record', input, 'v1'))
  })

  it('ignores undefined fields', () => {
    expect(hash3('update_record', { ...input, extra: undefined }, 'v1')).toBe(hash3('update_record', input, 'v1'))
  })

  it('changes with the ability', () => {
    expect(hash3('create_record', input, 'v1')).not.toBe(hash3('update_record', input, 'v1'))
  })

  it('changes with the record version, including null vs a version', () => {
    const base = hash3('update_record', input, 'v1')
    expect(hash3('update_record', input, 'v2')).not.toBe(base)
    expect(hash3('update_record', input, null)).not.toBe(base)
    expect(hash3('update_record', input, '')).not.toBe(hash3('update_record', input, null))
  })

  // Every leaf of the input, changed one at a time, changes the hash.
  const mutations: [string, (i: typeof input) => unknown][] = [
    ['type', (i) => ({ ...i, type: 'account' })],
    ['id', (i) => ({ ...i, id: 'D-2' })],
    ['fields.stage', (i) => ({ ...i, fields: { ...i.fields, stage: 'lost' } })],
    ['fields.amount', (i) => ({ ...i, fields: { ...i.fields, amount: 1001 } })],
    ['fields.amount as string', (i) => ({ ...i, fields: { ...i.fields, amount: '1000' } })],
    ['fields.notes.a', (i) => ({ ...i, fields: { ...i.fields, notes: { ...i.fields.notes, a: 2 } } })],
    ['fields.notes.b order', (i) => ({ ...i, fields: { ...i.fields, notes: { ...i.fields.notes, b: [2, 1] } } })],
    ['an added field', (i) => ({ ...i, fields: { ...i.fields, owner: 'ann' } })],
    ['a removed field', (i) => ({ ...i, fields: { stage: 'won', amount: 1000 } })],
    ['a null field', (i) => ({ ...i, fields: { ...i.fields, stage: null } })]
  ]
  it.each(mutations)('changes when %s changes', (_label, mutate) => {
    expect(hash3('update_record', mutate(input), 'v1')).not.toBe(hash3('update_record', input, 'v1'))
  })

  // The card holds what the effect uses beyond the input: the recipients resolved from contacts.
  const message = (to: { name: string; address: string }[]) => ({
    summary: 'Email',
    detail: { kind: 'message', about: null, to, subject: 'Overdue invoice', body: 'Hello' }
  })
  it('changes when a resolved recipient address changes, though the input is the same', () => {
    const sendInput = { to: ['C-1'], subject: 'Overdue invoice', body: 'Hello' }
    const a = actionHash('send_message', sendInput, null, message([{ name: 'Dana', address: 'dana@acme.example' }]))
    const b = actionHash('send_message', sendInput, null, message([{ name: 'Dana', address: 'dana@evil.example' }]))
    const c = actionHash('send_message', sendInput, null, message([{ name: 'Dana W.', address: 'dana@acme.example' }]))
    expect(new Set([a, b, c]).size).toBe(3)
  })

  it('cannot be forged by moving text between the ability and the input', () => {
    expect(hash3('a', 'bc', null)).not.toBe(hash3('ab', 'c', null))
  })
})
