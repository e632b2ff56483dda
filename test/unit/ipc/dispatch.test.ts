// The one entry point for every request: name, then payload, then handler, then output; errors
// become codes. Nothing reaches a handler unless the contract says its payload is valid.
import { afterEach, beforeEach, describe, expect, it, vi, type Mock } from 'vitest'
import { REQUEST_NAMES, requests, type RequestInput, type RequestName } from '../../../src/shared/contract'
import type { ActionView } from '../../../src/shared/domain'
import { dispatch, isRequestName, toFailure, type Handlers } from '../../../src/main/ipc/dispatch'
import { DecisionRefusedError } from '../../../src/main/actions/ledger'
import { IllegalTransitionError } from '../../../src/main/actions/state-machine'
import { CrmError } from '../../../src/main/crm/types'
import { KeychainError } from '../../../src/main/secrets/types'
import { ProviderNotReadyError } from '../../../src/main/providers/types'
import { SessionUnavailableError } from '../../../src/main/accounts/accounts'

type FakeHandlers = Handlers & { [K in RequestName]: Mock }

function fakeHandlers(): FakeHandlers {
  return Object.fromEntries(REQUEST_NAMES.map((name) => [name, vi.fn(async () => ({ ok: true }))])) as unknown as FakeHandlers
}

const HASH = 'ab'.repeat(32)

/** One valid payload per request. Typed so that a request added to the contract must be added here. */
const VALID: { [K in RequestName]: RequestInput<K> } = {
  'app.getState': {},
  'app.openExternal': { url: 'https://example.com/' },
  'conversations.list': {},
  'conversations.get': { conversationId: 'c1' },
  'conversations.create': {},
  'conversations.send': { conversationId: 'c1', text: 'hello' },
  'conversations.stop': { conversationId: 'c1' },
  'conversations.retry': { conversationId: 'c1' },
  'conversations.keepStopped': { conversationId: 'c1', entryId: 'e1' },
  'conversations.rename': { conversationId: 'c1', title: 'Q3 pipeline' },
  'conversations.delete': { conversationId: 'c1' },
  'actions.askAgain': { actionId: 'a1' },
  'actions.edit': { actionId: 'a1', hash: 'a'.repeat(64), input: { subject: 'New subject' } },
  'conversations.search': { query: 'acme' },
  'actions.inbox': {},
  'actions.inboxPage': { list: 'waiting', sort: 'time_left', limit: 50 },
  'actions.forConversation': { conversationId: 'c1' },
  'actions.decide': { actionId: 'a1', hash: HASH, decision: 'approve', reason: 'ok' },
  'actions.settle': { actionId: 'a1', hash: HASH, resolution: 'mark_done' },
  'settings.get': {},
  'settings.setConfirmation': { ability: 'update_record', setting: 'never' },
  'settings.setExpiryHours': { hours: 24 },
  'accounts.signIn': { kind: 'sample', login: 'ann' },
  'accounts.switch': { accountId: 'acc1' },
  'accounts.signOut': { accountId: 'acc1' },
  'providers.get': {},
  'providers.prepare': { kind: 'openai', model: 'gpt', baseURL: 'https://api.example.com/v1', apiKey: 'sk-x' },
  'providers.consent': { wordingVersion: 'v1', endpointHost: 'api.example.com' },
  'providers.withdrawConsent': {},
  'providers.useDemo': {},
  'providers.cancel': {},
  'providers.select': { profileId: 'p1' },
  'providers.deleteProfile': { profileId: 'p1' },
  'providers.listModels': { profileId: 'p1' },
  'providers.testConnection': { profileId: 'p1' },
  'providers.conversationProfile': { conversationId: 'c1' },
  'providers.setConversationProfile': { conversationId: 'c1', profileId: 'p1' },
  'admin.getPolicy': {},
  'admin.savePolicy': { policy: { abilities: { send_message: { confirmation: 'deny' } } } },
  'activity.list': { filters: { outcome: 'declined', text: 'acme' }, cursor: '1700000000000:r1' },
  'activity.verify': {},
  'activity.export': { filters: {}, format: 'csv' },
  'activity.settings': {},
  'activity.setPrice': { providerKind: 'openai', model: 'gpt-5.4-mini', inputPerMillion: 1, outputPerMillion: 2 },
  'activity.removePrice': { providerKind: 'openai', model: 'gpt-5.4-mini' },
  'activity.setRetentionDays': { days: 365 }
}

/** A value of a different JSON type than `value`. */
function wrongType(value: unknown): unknown {
  if (typeof value === 'string') return 42
  if (typeof value === 'number') return 'not a number'
  if (typeof value === 'boolean') return 'true'
  return 'x'
}

let errorSpy: ReturnType<typeof vi.spyOn>
beforeEach(() => {
  errorSpy = vi.spyOn(console, 'error').mockImplementation(() => {})
})
afterEach(() => {
  errorSpy.mockRestore()
})

describe('dispatch: request names', () => {
  it.each(['nope', 'actions.approveAll', '', 42, null, undefined, {}, '__proto__', 'constructor', 'toString', 'hasOwnProperty'])('refuses %j as unknown_request', async (name) => {
    const handlers = fakeHandlers()
    const result = await dispatch(handlers, name, {})
    expect(result).toEqual({ ok: false, error: { code: 'unknown_request', message: expect.any(String) } })
    for (const n of REQUEST_NAMES) expect(handlers[n]).not.toHaveBeenCalled()
  })

  it('isRequestName knows exactly the contract', () => {
    for (const n of REQUEST_NAMES) expect(isRequestName(n)).toBe(true)
    expect(isRequestName('valueOf')).toBe(false)
  })

  it('the valid payload table covers every request', () => {
    expect(Object.keys(VALID).sort()).toEqual([...REQUEST_NAMES].sort())
  })
})

describe('dispatch: payload validation, per request', () => {
  it.each(REQUEST_NAMES)('%s: a valid payload reaches its handler, parsed', async (name) => {
    const handlers = fakeHandlers()
    await dispatch(handlers, name, VALID[name])
    expect(handlers[name]).toHaveBeenCalledTimes(1)
    expect(handlers[name]).toHaveBeenCalledWith(VALID[name])
    for (const other of REQUEST_NAMES) if (other !== name) expect(handlers[other]).not.toHaveBeenCalled()
  })

  const bad: [RequestName, string, unknown][] = []
  for (const name of REQUEST_NAMES) {
    const valid = VALID[name] as Record<string, unknown>
    bad.push([name, 'an extra key', { ...valid, extra: true }])
    bad.push([name, 'a string', 'hello'])
    bad.push([name, 'a number', 7])
    bad.push([name, 'an array', [valid]])
    for (const key of Object.keys(valid)) {
      bad.push([name, `${key} of the wrong type`, { ...valid, [key]: wrongType(valid[key]) }])
      // An edit's input is any field map here; main checks it against the ability's own schema.
      if (!(name === 'actions.edit' && key === 'input')) bad.push([name, `${key} as an object`, { ...valid, [key]: { nested: true } }])
    }
    // Required fields missing one at a time.
    const required = Object.keys(valid).filter((k) => !requests[name].input.safeParse({ ...valid, [k]: undefined }).success)
    for (const key of required) {
      const { [key]: _gone, ...rest } = valid
      bad.push([name, `without ${key}`, rest])
    }
  }

  it.each(bad)('%s: refuses %s with invalid_input, handler never called', async (name, _label, payload) => {
    const handlers = fakeHandlers()
    const result = await dispatch(handlers, name, payload)
    expect(result.ok).toBe(false)
    if (!result.ok) {
      expect(result.error.code).toBe('invalid_input')
      // Said for people: no request names, no schema jargon.
      expect(result.error.message).toMatch(/^That was not done: [A-Z]/)
      expect(result.error.message).not.toMatch(/expected|<=|>=|Invalid input/)
    }
    for (const n of REQUEST_NAMES) expect(handlers[n]).not.toHaveBeenCalled()
  })

  it.each([
    ['uppercase hex', 'AB'.repeat(32)],
    ['63 chars', 'a'.repeat(63)],
    ['65 chars', 'a'.repeat(65)],
    ['non-hex', 'g'.repeat(64)],
    ['empty', ''],
    ['with a newline', 'a'.repeat(64) + '\n']
  ])('actions.decide refuses a hash that is not 64 lowercase hex (%s)', async (_label, hash) => {
    const handlers = fakeHandlers()
    const result = await dispatch(handlers, 'actions.decide', { ...VALID['actions.decide'], hash })
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid_input' } })
    expect(handlers['actions.decide']).not.toHaveBeenCalled()
  })

  it('actions.settle refuses a bad hash too', async () => {
    const handlers = fakeHandlers()
    const result = await dispatch(handlers, 'actions.settle', { ...VALID['actions.settle'], hash: 'abc' })
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid_input' } })
    expect(handlers['actions.settle']).not.toHaveBeenCalled()
  })

  it('actions.decide refuses a decision other than approve/decline', async () => {
    const handlers = fakeHandlers()
    const result = await dispatch(handlers, 'actions.decide', { ...VALID['actions.decide'], decision: 'approve_all' })
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid_input' } })
    expect(handlers['actions.decide']).not.toHaveBeenCalled()
  })

  it('an empty-input request accepts a missing payload (undefined/null) as {}', async () => {
    const handlers = fakeHandlers()
    await dispatch(handlers, 'conversations.create', undefined)
    await dispatch(handlers, 'conversations.create', null)
    expect(handlers['conversations.create']).toHaveBeenCalledTimes(2)
    expect(handlers['conversations.create']).toHaveBeenCalledWith({})
  })

  it('a request with required fields refuses a missing payload', async () => {
    const handlers = fakeHandlers()
    expect(await dispatch(handlers, 'actions.decide', undefined)).toMatchObject({ ok: false, error: { code: 'invalid_input' } })
    expect(handlers['actions.decide']).not.toHaveBeenCalled()
  })
})

describe('dispatch: output and errors', () => {
  const view: ActionView = {
    id: 'a1',
    conversationId: 'c1',
    toolCallId: 't1',
    ability: 'update_record',
    abilityTitle: 'Update a record',
    hash: HASH,
    state: 'approved',
    card: { summary: 's', detail: { kind: 'read', inputs: [] } },
    principal: 'u',
    userName: 'U',
    createdAt: 1,
    expiresAt: 2,
    decidedAt: 1,
    declineReason: null,
    resultSummary: null,
    error: null,
    supersededBy: null
  }

  it('returns the handler value in an ok envelope', async () => {
    const handlers = fakeHandlers()
    handlers['actions.decide'].mockResolvedValue(view)
    expect(await dispatch(handlers, 'actions.decide', VALID['actions.decide'])).toEqual({ ok: true, value: view })
  })

  it('validates the output: a malformed handler result becomes an error, not a reply', async () => {
    const handlers = fakeHandlers()
    handlers['actions.decide'].mockResolvedValue({ ...view, state: 'teleported' })
    const result = await dispatch(handlers, 'actions.decide', VALID['actions.decide'])
    expect(result).toMatchObject({ ok: false, error: { code: 'internal' } })
  })

  it('strips fields the contract does not declare from the output (nothing extra reaches the renderer)', async () => {
    const handlers = fakeHandlers()
    handlers['actions.decide'].mockResolvedValue({ ...view, apiKey: 'sk-secret' })
    const result = await dispatch(handlers, 'actions.decide', VALID['actions.decide'])
    expect(result.ok).toBe(true)
    expect(JSON.stringify(result)).not.toContain('sk-secret')
  })

  const cases: [string, Error, string][] = [
    ['DecisionRefusedError not_found', new DecisionRefusedError('not_found', 'gone'), 'decision_not_found'],
    ['DecisionRefusedError hash_mismatch', new DecisionRefusedError('hash_mismatch', 'mismatch'), 'decision_hash_mismatch'],
    ['DecisionRefusedError not_pending', new DecisionRefusedError('not_pending', 'late'), 'decision_not_pending'],
    ['DecisionRefusedError expired', new DecisionRefusedError('expired', 'too late'), 'decision_expired'],
    ['DecisionRefusedError wrong_user', new DecisionRefusedError('wrong_user', 'not yours'), 'decision_wrong_user'],
    ['CrmError permission', new CrmError('permission', 'no'), 'crm_permission'],
    ['CrmError not_found', new CrmError('not_found', 'no such'), 'crm_not_found'],
    ['CrmError conflict', new CrmError('conflict', 'changed'), 'crm_conflict'],
    ['KeychainError', new KeychainError('locked'), 'keychain'],
    ['ProviderNotReadyError', new ProviderNotReadyError('consent first'), 'provider_not_ready'],
    ['SessionUnavailableError', new SessionUnavailableError('sign in'), 'not_signed_in'],
  ]
  it.each(cases)('maps %s to its code and keeps its message', async (_label, error, code) => {
    const handlers = fakeHandlers()
    handlers['conversations.stop'].mockRejectedValue(error)
    const result = await dispatch(handlers, 'conversations.stop', VALID['conversations.stop'])
    expect(result).toEqual({ ok: false, error: { code, message: error.message } })
  })

  it.each([
    ['settings.setExpiryHours', { hours: 400 }, 'That was not done: Choose between 1 and 336 hours.'],
    ['settings.setExpiryHours', { hours: 2.5 }, 'That was not done: Choose a whole number of hours, between 1 and 336.'],
    ['conversations.send', { conversationId: 'c1', text: '' }, 'That was not done: The text cannot be empty.'],
    ['conversations.rename', { conversationId: 'c1', title: 'x'.repeat(501) }, 'That was not done: The title is too long (at most 500 characters).']
  ])('%s with %j is refused in words a person can act on', async (name, input, message) => {
    const result = await dispatch(fakeHandlers(), name, input)
    expect(result).toEqual({ ok: false, error: { code: 'invalid_input', message } })
    expect(message).not.toMatch(/expected|<=|Too big|Invalid/)
  })

  it('a lost race (IllegalTransitionError) says what the action is now, never the internal wording', async () => {
    const handlers = fakeHandlers()
    handlers['conversations.stop'].mockRejectedValue(new IllegalTransitionError('declined', 'executing'))
    const result = await dispatch(handlers, 'conversations.stop', VALID['conversations.stop'])
    expect(result).toEqual({ ok: false, error: { code: 'illegal_transition', message: 'Nothing was done: this action was declined.' } })
  })

  it('an unexpected error becomes internal, and is logged', async () => {
    const handlers = fakeHandlers()
    handlers['conversations.stop'].mockRejectedValue(new TypeError('boom'))
    const result = await dispatch(handlers, 'conversations.stop', VALID['conversations.stop'])
    expect(result).toMatchObject({ ok: false, error: { code: 'internal' } })
    expect(errorSpy).toHaveBeenCalled()
  })

  it('a thrown non-Error becomes internal with a generic message', () => {
    expect(toFailure('weird')).toEqual({ ok: false, error: { code: 'internal', message: expect.stringMatching(/\S/) } })
  })
})

describe('Handlers type: a missing or mistyped handler does not compile', () => {
  it('is checked by tsc (tsconfig.node.json covers this file)', () => {
    const handlers: Handlers = fakeHandlers()
    const { 'actions.decide': _decide, ...withoutDecide } = handlers
    // @ts-expect-error 'actions.decide' is missing: Handlers must cover every request.
    const missing: Handlers = withoutDecide
    // @ts-expect-error the handler for 'settings.get' returns the wrong type.
    const wrong: Handlers = { ...handlers, 'settings.get': async () => 42 }
    // @ts-expect-error a handler for a request the contract does not define.
    const extra: Handlers = { ...handlers, 'actions.approveAll': async () => ({ ok: true }) }
    expect([missing, wrong, extra].every(Boolean)).toBe(true)
    expect(Object.keys(withoutDecide)).toHaveLength(REQUEST_NAMES.length - 1)
  })
})
