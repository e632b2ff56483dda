// The assistant loop end to end in one process: a scripted model, the real ledger, policy,
// conversations and the sample workspace on real files. Each test restarts the app where the
// point is that state survives.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { lastToolResults, scriptedModel, type ScriptStep } from '../../support/scripted-model'
import { createSeedWorkspace } from '../../../src/main/crm/sample/seed'
import { openTestApp, tempDir, TestClock } from '../../support/test-app'

let dir: ReturnType<typeof tempDir>
let opened: Awaited<ReturnType<typeof openTestApp>>[] = []

beforeEach(() => {
  dir = tempDir()
  opened = []
})
afterEach(async () => {
  for (const a of opened) await a.close()
  dir.remove()
})

async function start(steps: ScriptStep[], clock?: TestClock, login = 'maria') {
  const script = scriptedModel(steps)
  const t = await openTestApp(dir.path, { model: () => script.model, clock })
  opened.push(t)
  await t.signIn(login)
  return { ...t, script }
}

async function restart(steps: ScriptStep[], clock?: TestClock) {
  const previous = opened.pop()!
  await previous.close()
  const script = scriptedModel(steps)
  const t = await openTestApp(dir.path, { model: () => script.model, clock })
  opened.push(t)
  return { ...t, script }
}

/** An open deal from the sample workspace's seed (its ids are stable), that Maria may change. */
function seedDeal() {
  const deal = createSeedWorkspace().records.deal.find((d) => d.fields.stage !== 'won' && d.fields.stage !== 'lost')
  if (!deal) throw new Error('no open deal in the sample workspace')
  return deal
}

describe('the assistant loop', () => {
  it('runs a read straight away, with no card, and answers from its result', async () => {
    const t = await start([{ toolCalls: [{ name: 'list_overdue_invoices', input: {} }] }, { text: 'You have overdue invoices.' }], undefined, 'frank')
    const c = await t.h['conversations.create']({})
    await t.say(c.id, 'Show overdue invoices')

    const view = await t.h['conversations.get']({ conversationId: c.id })
    const tool = view.entries.find((e) => e.kind === 'tool')
    expect(tool).toMatchObject({ ability: 'list_overdue_invoices', status: 'done', actionId: null })
    expect(view.entries.at(-1)).toMatchObject({ kind: 'assistant', text: 'You have overdue invoices.' })
    expect(t.app.ledger.size).toBe(0)
    const results = lastToolResults(t.script.prompts[1])
    expect(results[0].output.type).toBe('json')
    expect(JSON.stringify(results[0].output)).toMatch(/daysOverdue/)
  })

  it('stops a write on a pending card that survives a restart, then runs it once after approval', async () => {
    const deal = seedDeal()
    const t3 = await start([{ text: 'Preparing the change.', toolCalls: [{ name: 'update_record', input: { type: 'deal', id: deal.id, fields: { stage: 'negotiation' } } }] }])
    const c = await t3.h['conversations.create']({})
    await t3.say(c.id, `Move ${deal.fields.name} to negotiation`)

    const [pending] = await t3.h['actions.inbox']({})
    expect(pending).toMatchObject({ state: 'pending', ability: 'update_record' })
    expect(pending.card.detail).toMatchObject({ kind: 'update', changes: [{ field: 'stage', before: deal.fields.stage, after: 'negotiation' }] })
    expect(t3.notifier.shown).toHaveLength(1)
    expect((await t3.h['conversations.get']({ conversationId: c.id })).status).toBe('waiting')
    expect(await t3.admin.effectCount(pending.id)).toBe(0)

    const t4 = await restart([{ text: 'Done: the deal is in negotiation.' }])
    const [still] = await t4.h['actions.inbox']({})
    expect(still).toMatchObject({ id: pending.id, state: 'pending', hash: pending.hash })

    const decided = await t4.h['actions.decide']({ actionId: pending.id, hash: pending.hash, decision: 'approve' })
    expect(decided.state).toBe('approved')
    await t4.app.assistant.idle()

    expect(t4.app.ledger.get(pending.id)?.state).toBe('succeeded')
    expect(await t4.admin.effectCount(pending.id)).toBe(1)
    const after = await t4.admin.snapshot()
    expect(after.records.deal.find((d) => d.id === deal.id)?.fields.stage).toBe('negotiation')
    const view = await t4.h['conversations.get']({ conversationId: c.id })
    expect(view.entries.find((e) => e.kind === 'tool')).toMatchObject({ status: 'done' })
    expect(view.entries.at(-1)).toMatchObject({ kind: 'assistant', text: 'Done: the deal is in negotiation.' })
    expect(JSON.stringify(lastToolResults(t4.script.prompts[0]))).toMatch(/"status":"done"/)

    // Approving again does nothing: the action is no longer pending.
    await expect(t4.h['actions.decide']({ actionId: pending.id, hash: pending.hash, decision: 'approve' })).rejects.toThrow(/this action has already run/)
    expect(await t4.admin.effectCount(pending.id)).toBe(1)
    const audit = t4.app.audit.read().filter((e) => e.actionId === pending.id)
    expect(audit.map((e) => e.event)).toEqual(['proposed', 'decided', 'executed', 'refused'])
    // Who, what (the hash shown), which provider and model, and the outcome, on every entry.
    expect(pending.principal).toMatch(/u-maria$/)
    for (const entry of audit) expect(entry).toMatchObject({ principal: pending.principal, hash: pending.hash, provider: 'Test provider', model: 'scripted' })
    expect(audit.map((e) => e.outcome)).toEqual([expect.stringContaining('pending'), 'approved', 'succeeded', expect.stringContaining('already run')])
  })

  it('sends a decline and its reason back to the model, and nothing runs', async () => {
    const deal = seedDeal()
    const t2 = await start([
      { toolCalls: [{ name: 'update_record', input: { type: 'deal', id: deal.id, fields: { amount: 1 } } }] },
      { text: 'Understood, I will not change it.' }
    ])
    const script = t2.script
    const c = await t2.h['conversations.create']({})
    await t2.say(c.id, 'Set the amount to 1')
    const [pending] = await t2.h['actions.inbox']({})
    await t2.h['actions.decide']({ actionId: pending.id, hash: pending.hash, decision: 'decline', reason: 'Wrong amount' })
    await t2.app.assistant.idle()

    expect(t2.app.ledger.get(pending.id)?.state).toBe('declined')
    expect(await t2.admin.effectCount(pending.id)).toBe(0)
    const [result] = lastToolResults(script.prompts[1])
    // Structured: the reason is a field the model reads, not a sentence to parse.
    expect(result.output).toMatchObject({ type: 'json', value: { status: 'declined', userReason: 'Wrong amount' } })
    expect(JSON.stringify(result.output)).toMatch(/Do not propose the same action again/)
  })

  it('turns malformed and unknown tool calls into error results, never executions', async () => {
    const t = await start([
      {
        toolCalls: [
          { name: 'update_record', input: '{"type":"deal","id":' },
          { name: 'delete_everything', input: {} },
          { name: 'update_record', input: { type: 'planet', id: 'x', fields: {} } }
        ]
      },
      { text: 'Sorry.' }
    ])
    const c = await t.h['conversations.create']({})
    await t.say(c.id, 'Do something odd')
    expect(t.app.ledger.size).toBe(0)
    const results = lastToolResults(t.script.prompts[1])
    expect(results).toHaveLength(3)
    expect(results.every((r) => r.output.type === 'error-text')).toBe(true)
    expect(JSON.stringify(results[1].output)).toMatch(/no tool named \\"delete_everything\\"/)
    expect(JSON.stringify(results[2].output)).toMatch(/Invalid input for update_record/)
  })

  it('refuses a decision with the wrong hash, or from another user, and an expired action cannot be approved', async () => {
    const clock = new TestClock()
    const deal = seedDeal()
    const t2 = await start([{ toolCalls: [{ name: 'update_record', input: { type: 'deal', id: deal.id, fields: { stage: 'proposal' } } }] }], clock)
    const c = await t2.h['conversations.create']({})
    await t2.say(c.id, 'Move it')
    const [pending] = await t2.h['actions.inbox']({})

    await expect(t2.h['actions.decide']({ actionId: pending.id, hash: 'f'.repeat(64), decision: 'approve' })).rejects.toThrow(/does not match the card/)
    await t2.signIn('rita')
    await expect(t2.h['actions.decide']({ actionId: pending.id, hash: pending.hash, decision: 'approve' })).rejects.toThrow(/Only Maria Chen/)
    await t2.signIn('maria')
    clock.advanceHours(48)
    await expect(t2.h['actions.decide']({ actionId: pending.id, hash: pending.hash, decision: 'approve' })).rejects.toThrow(/expired/)
    expect(t2.app.ledger.get(pending.id)?.state).toBe('expired')
    expect(await t2.admin.effectCount(pending.id)).toBe(0)
    // The conversation is not left waiting: the model is told it expired, and the user can go on.
    expect((await t2.h['conversations.get']({ conversationId: c.id })).status).toBe('idle')
    await expect(t2.h['conversations.send']({ conversationId: c.id, text: 'What now?' })).resolves.toEqual({ ok: true })
  })

  it('handles two tool calls in one turn: the read runs, the write waits, both results go back together', async () => {
    const deal = seedDeal()
    const t2 = await start([
      {
        toolCalls: [
          { name: 'search_records', input: { type: 'deal', text: String(deal.fields.name) } },
          { name: 'update_record', input: { type: 'deal', id: deal.id, fields: { amount: 4242 } } }
        ]
      },
      { text: 'Updated.' }
    ])
    const script = t2.script
    const c = await t2.h['conversations.create']({})
    await t2.say(c.id, 'Find and update')
    expect(script.prompts).toHaveLength(1)
    const [pending] = await t2.h['actions.inbox']({})
    await t2.h['actions.decide']({ actionId: pending.id, hash: pending.hash, decision: 'approve' })
    await t2.app.assistant.idle()
    const results = lastToolResults(script.prompts[1])
    expect(results.map((r) => r.toolName)).toEqual(['search_records', 'update_record'])
  })

  it('supersedes an approval when the record changed, and shows a fresh card with the new values', async () => {
    const deal = seedDeal()
    const t2 = await start([{ toolCalls: [{ name: 'update_record', input: { type: 'deal', id: deal.id, fields: { amount: 777 } } }] }])
    const c = await t2.h['conversations.create']({})
    await t2.say(c.id, 'Set amount')
    const [pending] = await t2.h['actions.inbox']({})
    await t2.admin.editRecordAs('frank', 'deal', deal.id, { amount: 555 })

    await t2.h['actions.decide']({ actionId: pending.id, hash: pending.hash, decision: 'approve' })
    await t2.app.assistant.idle()
    const old = t2.app.ledger.get(pending.id)!
    expect(old.state).toBe('superseded')
    const fresh = t2.app.ledger.get(old.supersededBy!)!
    expect(fresh.state).toBe('pending')
    expect(fresh.hash).not.toBe(old.hash)
    expect(fresh.card.detail).toMatchObject({ kind: 'update', changes: [{ before: '555', after: '777' }] })
    expect(await t2.admin.effectCount(pending.id)).toBe(0)
    expect((await t2.admin.snapshot()).records.deal.find((d) => d.id === deal.id)?.fields.amount).toBe(555)
  })

  it('fails an approved action cleanly when the permission was revoked in between, writing nothing', async () => {
    const deal = seedDeal()
    const t2 = await start([{ toolCalls: [{ name: 'update_record', input: { type: 'deal', id: deal.id, fields: { stage: 'qualification' } } }] }, { text: 'It failed.' }])
    const c = await t2.h['conversations.create']({})
    await t2.say(c.id, 'Move it')
    const [pending] = await t2.h['actions.inbox']({})
    await t2.admin.revoke('maria', 'deal.update' as never)
    await t2.h['actions.decide']({ actionId: pending.id, hash: pending.hash, decision: 'approve' })
    await t2.app.assistant.idle()
    const action = t2.app.ledger.get(pending.id)!
    expect(action.state).toBe('failed')
    expect(action.error).toMatch(/may not/i)
    expect(await t2.admin.effectCount(pending.id)).toBe(0)
    expect((await t2.admin.snapshot()).records.deal.find((d) => d.id === deal.id)?.fields.stage).toBe(deal.fields.stage)
  })

  it('reconciles an action left executing by a crash: applied → succeeded without re-running; not applied → runs once', async () => {
    const deal = seedDeal()
    const t2 = await start([{ toolCalls: [{ name: 'update_record', input: { type: 'deal', id: deal.id, fields: { amount: 9001 } } }] }])
    const c = await t2.h['conversations.create']({})
    await t2.say(c.id, 'Set amount')
    const [pending] = await t2.h['actions.inbox']({})
    // Simulate the crash window: approved and executing on disk, the CRM never called.
    t2.app.ledger.transition(pending.id, 'approved', { decidedAt: Date.now(), decidedBy: 'u-maria' })
    t2.app.ledger.transition(pending.id, 'executing')
    const t3 = await restart([{ text: 'Done.' }])
    await t3.app.assistant.idle()
    expect(t3.app.ledger.get(pending.id)?.state).toBe('succeeded')
    expect(await t3.admin.effectCount(pending.id)).toBe(1)
    // And once more: nothing runs twice on another restart.
    const t4 = await restart([])
    await t4.app.assistant.idle()
    expect(await t4.admin.effectCount(pending.id)).toBe(1)
  })

  it('refuses to send while an action waits, and Stop cancels it so it can never run', async () => {
    const deal = seedDeal()
    const t2 = await start([{ toolCalls: [{ name: 'update_record', input: { type: 'deal', id: deal.id, fields: { amount: 5 } } }] }])
    const c = await t2.h['conversations.create']({})
    await t2.say(c.id, 'Set amount')
    await expect(t2.h['conversations.send']({ conversationId: c.id, text: 'another thing' })).rejects.toThrow(/waiting for your decision/)
    const [pending] = await t2.h['actions.inbox']({})
    await t2.h['conversations.stop']({ conversationId: c.id })
    expect(t2.app.ledger.get(pending.id)?.state).toBe('cancelled')
    expect((await t2.h['conversations.get']({ conversationId: c.id })).status).toBe('idle')
    expect(t2.notifier.badge).toBe(0)
    await expect(t2.h['actions.decide']({ actionId: pending.id, hash: pending.hash, decision: 'approve' })).rejects.toThrow()
    expect(await t2.admin.effectCount(pending.id)).toBe(0)
  })
})

describe('an outcome the app cannot know', () => {
  async function unknownOutcome() {
    const deal = seedDeal()
    // The script array stays ours: tests push the model's next steps onto it.
    const steps: ScriptStep[] = [{ toolCalls: [{ name: 'update_record', input: { type: 'deal', id: deal.id, fields: { amount: 31_337 } } }] }]
    const script = scriptedModel(steps)
    let dropConnection = false
    const t = await openTestApp(dir.path, {
      model: () => script.model,
      // The CRM goes away after `executing` is on disk, before the call: the call fails in flight.
      checkpoint: async (name) => {
        if (name === 'executing-on-disk' && dropConnection) admin.setOffline(true)
      }
    })
    const admin = t.admin
    opened.push(t)
    await t.signIn('maria')
    const c = await t.h['conversations.create']({})
    await t.say(c.id, 'Set the amount')
    const [pending] = await t.h['actions.inbox']({})
    dropConnection = true
    await t.h['actions.decide']({ actionId: pending.id, hash: pending.hash, decision: 'approve' })
    await t.app.assistant.idle()
    dropConnection = false
    admin.setOffline(false)
    const action = t.app.ledger.get(pending.id)!
    expect(action.state).toBe('outcome_unknown')
    expect((await t.h['actions.inbox']({})).map((a) => a.id)).toContain(action.id)
    return { t, steps, action, conversationId: c.id, deal }
  }

  it('"Run again" runs it once more, after re-checking, and the conversation continues', async () => {
    const { t, steps, action, conversationId, deal } = await unknownOutcome()
    steps.push({ text: 'Done now.' })
    await t.h['actions.settle']({ actionId: action.id, hash: action.hash, resolution: 'run_again' })
    await t.app.assistant.idle()
    expect(t.app.ledger.get(action.id)?.state).toBe('succeeded')
    expect(await t.admin.effectCount(action.id)).toBe(1)
    expect((await t.admin.snapshot()).records.deal.find((d) => d.id === deal.id)?.fields.amount).toBe(31_337)
    expect((await t.h['conversations.get']({ conversationId })).entries.at(-1)).toMatchObject({ kind: 'assistant', text: 'Done now.' })
  })

  it('"Mark as done" settles it without running anything', async () => {
    const { t, steps, action } = await unknownOutcome()
    steps.push({ text: 'Noted.' })
    await t.h['actions.settle']({ actionId: action.id, hash: action.hash, resolution: 'mark_done' })
    await t.app.assistant.idle()
    expect(t.app.ledger.get(action.id)).toMatchObject({ state: 'succeeded', resultSummary: 'Marked as done by you.' })
    expect(await t.admin.effectCount(action.id)).toBe(0)
    await expect(t.h['actions.settle']({ actionId: action.id, hash: action.hash, resolution: 'run_again' })).rejects.toThrow(/this action has already run/)
  })
})
