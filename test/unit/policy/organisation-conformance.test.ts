// Conformance of the organisation policy: every ability × every rule each source (IT, the CRM)
// can set × the user's own choice, through the real parsing, combining and gate, against an
// oracle written from the issue's rules ("deny over ask over allow, off over on, a source that
// does not parse makes everything ask, the user can tighten, never loosen"). Then who may use
// the assistant and which providers are allowed, likewise.
import { describe, expect, it } from 'vitest'
import { crmAbilities } from '../../../src/main/abilities/crm-abilities'
import { checkAccess } from '../../../src/main/access/access'
import { combinePolicies, CRM_LABEL, enabledAbilities, IT_LABEL, type SourceRead } from '../../../src/main/policy/organisation/combine'
import { providerAllowed, providersAllow, type ProviderChoice } from '../../../src/main/policy/organisation/providers'
import { evaluatePolicy } from '../../../src/main/policy/policy'
import type { ConfirmationSetting, Decision, Effect, SessionUser } from '../../../src/shared/domain'
import type { OrgPolicy, ProviderPolicy } from '../../../src/shared/org-policy'

const abilities = crmAbilities().map((a) => ({ name: a.name, effect: a.effect }))
const SEVERITY: Record<Decision, number> = { allow: 0, ask: 1, deny: 2 }
const SETTINGS: ConfirmationSetting[] = ['default', 'always', 'never']

/** What one source says about one ability. */
type SourceRule = 'absent' | 'silent' | 'allow' | 'ask' | 'deny' | 'off' | 'broken' | 'default-allow' | 'default-ask' | 'default-deny'
const SOURCE_RULES: SourceRule[] = ['absent', 'silent', 'allow', 'ask', 'deny', 'off', 'broken', 'default-allow', 'default-ask', 'default-deny']
type Loosening = 'free' | 'barred-by-it' | 'barred-by-crm'

function document(rule: SourceRule, ability: { name: string; effect: Effect }, barred: boolean, who: string): unknown {
  const base: Record<string, unknown> = barred ? { usersMayLoosen: false } : {}
  switch (rule) {
    case 'silent':
      // Rules for other abilities only.
      return { ...base, abilities: Object.fromEntries(abilities.filter((a) => a.name !== ability.name).map((a) => [a.name, { confirmation: 'deny' }])) }
    case 'allow':
    case 'ask':
    case 'deny':
      return { ...base, abilities: { [ability.name]: { confirmation: rule, reason: `${who} says ${rule}.` } } }
    case 'off':
      return { ...base, abilities: { [ability.name]: { enabled: false, reason: `${who} switched it off.` } } }
    case 'default-allow':
    case 'default-ask':
    case 'default-deny':
      return { ...base, defaults: { [ability.effect]: rule.slice('default-'.length) } }
    case 'broken':
      return { ...base, abilities: { [ability.name]: { confirmation: 'sometimes' } } }
    case 'absent':
      return undefined
  }
}

function source(kind: 'it' | 'crm', rule: SourceRule, ability: { name: string; effect: Effect }, barred: boolean): SourceRead {
  const label = kind === 'it' ? IT_LABEL : CRM_LABEL
  const location = kind === 'it' ? '/etc/countersign/policy.json' : 'your CRM'
  if (rule === 'absent') return { kind, label, location, read: { status: 'none', detail: 'nothing there' } }
  return { kind, label, location, read: { status: 'found', document: document(rule, ability, barred, label) } }
}

/** The oracle: each source's word as a level, the user's as a level, the highest wins. */
function oracle(effect: Effect, it: SourceRule, crm: SourceRule, setting: ConfirmationSetting, loosening: Loosening) {
  const adminLevel = (r: SourceRule): Decision | null => {
    if (r === 'absent' || r === 'silent') return null
    if (r === 'off' || r === 'deny' || r === 'default-deny') return 'deny'
    if (r === 'broken' || r === 'ask' || r === 'default-ask') return 'ask'
    return 'allow'
  }
  const barred = loosening !== 'free'
  const user: Decision = setting === 'always' ? 'ask' : setting === 'never' ? (effect === 'write' && barred ? 'ask' : 'allow') : effect === 'read' ? 'allow' : 'ask'
  const levels = [user, adminLevel(it), adminLevel(crm)].filter((d): d is Decision => d !== null)
  const decision = levels.reduce((a, b) => (SEVERITY[b] > SEVERITY[a] ? b : a))
  const locking = [it, crm].some((r) => ['ask', 'deny', 'off', 'broken', 'default-ask', 'default-deny'].includes(r))
  const deniedBy = adminLevel(it) === 'deny' ? IT_LABEL : adminLevel(crm) === 'deny' ? CRM_LABEL : null
  return { decision, locked: locking, enabled: it !== 'off' && crm !== 'off', deniedBy }
}

describe('organisation policy conformance: ability × IT rule × CRM rule × user choice × loosening', () => {
  const rows: { ability: { name: string; effect: Effect }; it: SourceRule; crm: SourceRule; setting: ConfirmationSetting; loosening: Loosening }[] = []
  for (const ability of abilities)
    for (const it of SOURCE_RULES)
      for (const crm of SOURCE_RULES)
        for (const setting of SETTINGS)
          for (const loosening of ['free', 'barred-by-it', 'barred-by-crm'] as Loosening[]) {
            // A source that is absent or does not parse cannot bar anything.
            if (loosening === 'barred-by-it' && (it === 'absent' || it === 'broken')) continue
            if (loosening === 'barred-by-crm' && (crm === 'absent' || crm === 'broken')) continue
            rows.push({ ability, it, crm, setting, loosening })
          }

  it('covers every ability, both kinds, and thousands of combinations', () => {
    expect(new Set(rows.map((r) => r.ability.name)).size).toBe(abilities.length)
    expect(rows.length).toBeGreaterThan(5_000)
  })

  it('every combination gives the oracle’s decision, lock, switch and reason', () => {
    const failures: string[] = []
    for (const row of rows) {
      const combined = combinePolicies(
        [source('it', row.it, row.ability, row.loosening === 'barred-by-it'), source('crm', row.crm, row.ability, row.loosening === 'barred-by-crm')],
        abilities
      )
      const got = evaluatePolicy({ ability: row.ability, userSettings: { [row.ability.name]: row.setting }, admin: combined.layers })
      const want = oracle(row.ability.effect, row.it, row.crm, row.setting, row.loosening)
      const enabled = enabledAbilities(abilities, combined.layers).some((a) => a.name === row.ability.name)
      const label = `${row.ability.name} it=${row.it} crm=${row.crm} user=${row.setting} ${row.loosening}`
      if (got.decision !== want.decision) failures.push(`${label}: decision ${got.decision}, want ${want.decision}`)
      if ((got.lockedBy !== null) !== want.locked) failures.push(`${label}: lockedBy ${got.lockedBy}, want locked=${want.locked}`)
      if (enabled !== want.enabled) failures.push(`${label}: enabled ${enabled}, want ${want.enabled}`)
      if (want.deniedBy && got.decision === 'deny' && !got.reason.toLowerCase().includes(want.deniedBy.toLowerCase())) failures.push(`${label}: reason "${got.reason}" does not name ${want.deniedBy}`)
      // The administrator's own words reach the person.
      if (row.it === 'deny' && !got.reason.includes('says deny') && want.deniedBy === IT_LABEL) failures.push(`${label}: reason "${got.reason}" lacks IT's words`)
      if (row.it === 'broken' && got.decision === 'ask' && got.lockedBy === IT_LABEL && !got.reason.includes('/etc/countersign/policy.json')) {
        failures.push(`${label}: broken IT source not named in "${got.reason}"`)
      }
      if (failures.length > 20) break
    }
    expect(failures).toEqual([])
  })

  it('a source that does not parse is reported with where and what, once', () => {
    const combined = combinePolicies([source('it', 'broken', abilities[0], false), source('crm', 'ask', abilities[0], false)], abilities)
    expect(combined.problems).toEqual([{ source: IT_LABEL, location: '/etc/countersign/policy.json', error: expect.stringMatching(/abilities\.search_records\.confirmation/) }])
    expect(combined.view.sources.map((s) => s.status)).toEqual(['error', 'active'])
  })

  it('the shortest expiry wins, and says who set it', () => {
    const read = (document: OrgPolicy) => ({ status: 'found' as const, document })
    const combined = combinePolicies(
      [
        { kind: 'it', label: IT_LABEL, location: 'x', read: read({ maxApprovalHours: 24 }) },
        { kind: 'crm', label: CRM_LABEL, location: 'y', read: read({ maxApprovalHours: 8 }) }
      ],
      abilities
    )
    expect(combined.maxApprovalHours).toEqual({ hours: 8, setBy: CRM_LABEL })
  })

  it('an unknown ability name or key is an error, never ignored', () => {
    for (const document of [{ abilities: { send_mesage: { confirmation: 'deny' } } }, { abilites: {} }, { access: { teams: ['x'] } }, 'deny', null]) {
      const combined = combinePolicies([{ kind: 'it', label: IT_LABEL, location: 'f', read: { status: 'found', document } }], abilities)
      expect(combined.problems).toHaveLength(1)
      for (const a of abilities) expect(evaluatePolicy({ ability: a, userSettings: { [a.name]: 'never' }, admin: combined.layers }).decision).toBe('ask')
    }
  })
})

describe('who may use the assistant: every person × IT rule × CRM rule', () => {
  const people: SessionUser[] = [
    { id: '1', name: 'Rita', login: 'rita', groups: ['Sales rep', 'Team East'] },
    { id: '2', name: 'Sam', login: 'sam', groups: ['Sales rep', 'Team West'] },
    { id: '3', name: 'Frank', login: 'frank', groups: ['Finance'] },
    { id: '4', name: 'Ada', login: 'ada', groups: ['Administrator'] }
  ]
  type Access = { label: string; access?: OrgPolicy['access']; broken?: boolean; absent?: boolean }
  const rules: Access[] = [
    { label: 'absent', absent: true },
    { label: 'everyone (no access key)' },
    { label: 'only rita', access: { users: ['rita'] } },
    { label: 'only Team East', access: { groups: ['Team East'] } },
    { label: 'Team West or frank', access: { users: ['frank'], groups: ['Team West'] } },
    { label: 'nobody', access: { users: [], groups: [] } },
    { label: 'RITA (case differs)', access: { users: ['RITA'] } },
    { label: 'broken', broken: true }
  ]
  // Written from the rules: a source with an access list lets in its users and its groups' members.
  const admits = (r: Access, p: SessionUser) => {
    if (r.absent || r.broken || !r.access) return true
    return (r.access.users ?? []).includes(p.login) || p.groups.some((g) => (r.access!.groups ?? []).includes(g))
  }
  const read = (r: Access): SourceRead['read'] =>
    r.absent ? { status: 'none', detail: '-' } : r.broken ? { status: 'found', document: { access: { users: 'rita' } } } : { status: 'found', document: r.access ? { access: r.access } : {} }

  for (const itRule of rules)
    for (const crm of rules)
      it(`IT ${itRule.label} × CRM ${crm.label}`, () => {
        const combined = combinePolicies(
          [
            { kind: 'it', label: IT_LABEL, location: 'f', read: read(itRule) },
            { kind: 'crm', label: CRM_LABEL, location: 'c', read: read(crm) }
          ],
          abilities
        )
        for (const person of people) {
          const want = admits(itRule, person) && admits(crm, person)
          const got = checkAccess(person, combined.access)
          expect(got.allowed, `${person.login}`).toBe(want)
          if (!want) expect(got.reason).toMatch(admits(itRule, person) ? /your CRM administrator/i : /your IT department/i)
        }
      })
})

describe('which AI providers: every choice × every rule, alone and intersected', () => {
  const AZURE = 'https://acme.openai.azure.com/openai/v1'
  const choices: Record<string, ProviderChoice> = {
    openaiOwn: { kind: 'openai', model: 'gpt-4o' },
    openaiProxy: { kind: 'openai', model: 'gpt-4o', baseURL: 'https://proxy.corp.example/v1' },
    anthropicOwn: { kind: 'anthropic', model: 'claude-sonnet-4-5' },
    azure4o: { kind: 'openai-compatible', model: 'gpt-4o', baseURL: AZURE },
    local: { kind: 'openai-compatible', model: 'llama3.1', baseURL: 'http://127.0.0.1:11434/v1' },
    azureMini: { kind: 'openai-compatible', model: 'gpt-4o-mini', baseURL: `${AZURE}/` },
    demo: { kind: 'demo', model: 'countersign-demo-v1' }
  }
  const names = Object.keys(choices)
  // Hand-written truth table, one row per rule, columns in the order of `choices`.
  const rules: { label: string; rule: ProviderPolicy | undefined; table: string }[] = [
    { label: 'no rule', rule: undefined, table: '1111111' },
    { label: 'our Azure gpt-4o only', rule: { allowed: [{ kind: 'openai-compatible', baseURL: AZURE, models: ['gpt-4o'] }] }, table: '0001001' },
    { label: 'OpenAI at its own endpoint', rule: { allowed: [{ kind: 'openai' }] }, table: '1000001' },
    { label: 'no local servers', rule: { allowLocal: false }, table: '1111011' },
    { label: 'Azure gpt-4o or local', rule: { allowed: [{ kind: 'openai-compatible', baseURL: AZURE, models: ['gpt-4o'] }], allowLocal: true }, table: '0001101' },
    { label: 'preset Azure gpt-4o', rule: { preset: { kind: 'openai-compatible', baseURL: AZURE, model: 'gpt-4o' } }, table: '0001001' },
    { label: 'Anthropic only, no local', rule: { allowed: [{ kind: 'anthropic' }], allowLocal: false }, table: '0010001' },
    { label: 'any Azure model', rule: { allowed: [{ kind: 'openai-compatible', baseURL: AZURE }] }, table: '0001011' }
  ]

  for (const r of rules)
    it(`alone: ${r.label}`, () => {
      names.forEach((name, i) => expect(providerAllowed(r.rule, choices[name]).allowed, name).toBe(r.table[i] === '1'))
    })

  it('intersected: IT × CRM allows exactly what both allow, and names who refused', () => {
    for (const itRule of rules)
      for (const crm of rules) {
        const set = [itRule, crm].flatMap((r, k) => (r.rule ? [{ source: k === 0 ? IT_LABEL : CRM_LABEL, rule: r.rule }] : []))
        names.forEach((name, i) => {
          const want = itRule.table[i] === '1' && crm.table[i] === '1'
          const got = providersAllow(set, choices[name])
          expect(got.allowed, `${itRule.label} × ${crm.label}: ${name}`).toBe(want)
          if (!want) expect(got.reason).toMatch(itRule.table[i] === '0' ? /IT department/ : /CRM administrator/)
        })
      }
  })
})
