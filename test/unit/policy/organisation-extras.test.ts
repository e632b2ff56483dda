// The organisation policy's desktop settings: updates (IT alone decides them), prices per model
// (IT's over the CRM's) and the number of actions decided at once before a second confirmation
// (the lowest wins).
import { describe, expect, it } from 'vitest'
import { combinePolicies, CRM_LABEL, IT_LABEL, type SourceRead } from '../../../src/main/policy/organisation/combine'
import { parseOrgPolicy } from '../../../src/shared/org-policy'

const it_ = (document: unknown): SourceRead => ({ kind: 'it', label: IT_LABEL, location: '/etc/countersign/policy.json', read: { status: 'found', document } })
const crm = (document: unknown): SourceRead => ({ kind: 'crm', label: CRM_LABEL, location: 'the CRM', read: { status: 'found', document } })
const ABILITIES = [{ name: 'send_message', effect: 'write' as const }]

describe('desktop updates', () => {
  it('IT decides; a CRM administrator cannot point desktops at a feed', () => {
    expect(combinePolicies([crm({ updates: { mode: 'feed', url: 'https://crm.example/feed/' } })], ABILITIES).updates).toBeNull()
    expect(combinePolicies([it_({ updates: { mode: 'off' } }), crm({ updates: { mode: 'feed', url: 'https://crm.example/feed/' } })], ABILITIES).updates).toEqual({ mode: 'off' })
    expect(combinePolicies([it_({ updates: { mode: 'feed', url: 'https://updates.example.com/cs/' } })], ABILITIES).updates).toEqual({ mode: 'feed', url: 'https://updates.example.com/cs/' })
  })

  it('a feed that is not https is refused by the schema, and the policy then makes everything ask', () => {
    expect(parseOrgPolicy({ updates: { mode: 'feed', url: 'http://updates.example.com/' } })).toMatchObject({ ok: false, error: expect.stringContaining('https') })
    const combined = combinePolicies([it_({ updates: { mode: 'feed', url: 'http://updates.example.com/' } })], ABILITIES)
    expect(combined.updates).toBeNull()
    expect(combined.problems).toHaveLength(1)
  })
})

describe('prices and the bulk confirmation', () => {
  it("IT's price for a model wins over the CRM's; other models keep theirs", () => {
    const combined = combinePolicies(
      [
        it_({ prices: [{ provider: 'openai', model: 'gpt-5.4-mini', inputPerMillion: 0.5, outputPerMillion: 2 }] }),
        crm({ prices: [{ provider: 'openai', model: 'gpt-5.4-mini', inputPerMillion: 9, outputPerMillion: 9 }, { provider: 'anthropic', model: 'claude-sonnet-4-5', inputPerMillion: 3, outputPerMillion: 15 }] })
      ],
      ABILITIES
    )
    expect(combined.prices).toEqual([
      { providerKind: 'openai', model: 'gpt-5.4-mini', inputPerMillion: 0.5, outputPerMillion: 2 },
      { providerKind: 'anthropic', model: 'claude-sonnet-4-5', inputPerMillion: 3, outputPerMillion: 15 }
    ])
  })

  it('the lowest number of actions at once wins, and says who set it', () => {
    const combined = combinePolicies([it_({ bulkConfirmAbove: 20 }), crm({ bulkConfirmAbove: 5 })], ABILITIES)
    expect(combined.view.bulkConfirmAbove).toEqual({ count: 5, setBy: CRM_LABEL })
  })
})
