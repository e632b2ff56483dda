// The policy's one format: the JSON Schema administrators validate against is the zod schema the
// app parses with, the ability names in it are the catalog's, and the documented examples parse.
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { crmAbilities } from '../../../src/main/abilities/crm-abilities'
import { policyJsonSchema } from '../../../src/shared/org-policy-json-schema'
import { ABILITY_NAMES, parseOrgPolicy } from '../../../src/shared/org-policy'

const ROOT = resolve(import.meta.dirname, '../../..')

describe('policy schema', () => {
  it('resources/policy.schema.json is generated from the zod schema (run scripts/policy/write-schema.ts)', () => {
    const shipped = JSON.parse(readFileSync(resolve(ROOT, 'resources/policy.schema.json'), 'utf8'))
    expect(shipped).toEqual(policyJsonSchema())
  })

  it('names exactly the abilities the catalog has', () => {
    expect([...ABILITY_NAMES].sort()).toEqual(crmAbilities().map((a) => a.name).sort())
  })

  it('every JSON example in docs/administrators.md parses', () => {
    const doc = readFileSync(resolve(ROOT, 'docs/administrators.md'), 'utf8')
    const examples = [...doc.matchAll(/```json\n([\s\S]*?)```/g)].map((m) => m[1])
    expect(examples.length).toBeGreaterThanOrEqual(4)
    for (const text of examples) {
      const parsed = parseOrgPolicy(JSON.parse(text))
      expect(parsed.ok, `${text}\n${parsed.ok ? '' : parsed.error}`).toBe(true)
    }
  })

  it.each([
    ['an unknown key', { abilites: {} }, 'Unrecognized key'],
    ['an unknown ability', { abilities: { send_mesage: { confirmation: 'deny' } } }, 'abilities'],
    ['an unknown rule', { abilities: { send_message: { confirmation: 'block' } } }, 'abilities.send_message.confirmation'],
    ['a negative expiry', { maxApprovalHours: -1 }, 'maxApprovalHours'],
    ['a provider URL that is not one', { providers: { allowed: [{ kind: 'openai', baseURL: 'not a url' }] } }, 'providers.allowed.0.baseURL'],
    ['users as a string', { access: { users: 'rita' } }, 'access.users']
  ])('refuses %s and says where', (_label, doc, where) => {
    const parsed = parseOrgPolicy(doc)
    expect(parsed.ok).toBe(false)
    if (!parsed.ok) expect(parsed.error).toContain(where)
  })
})
