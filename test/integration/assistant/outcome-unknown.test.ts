// "Run again" on an action whose outcome is unknown re-checks everything first. When a re-check
// refuses it, the user is told why and the action stays unknown (not "failed": whether the first
// attempt happened is still not known), and nothing runs.
import { expect, it } from 'vitest'
import { openTestApp, tempDir } from '../../support/test-app'

it('a refused "run again" explains itself and leaves the outcome unknown', async () => {
  const dir = tempDir()
  const t = await openTestApp(dir.path, { model: () => { throw new Error('no model in this test') } })
  try {
    const user = (await t.signIn('rita')).user!
    const conversation = await t.h['conversations.create']({})
    // Stored input that is no longer valid for the ability: the re-check at execution refuses it.
    const action = t.app.ledger.propose(
      { conversationId: conversation.id, toolCallId: 'tc1', ability: 'update_record', abilityTitle: 'Update a record', input: { bogus: true }, recordVersion: 'v1', card: { summary: 's', detail: { kind: 'read', inputs: [] } }, principal: user.principal, userName: user.name, provider: 'p', model: 'm' },
      'executing'
    )
    t.app.ledger.transition(action.id, 'outcome_unknown')
    await t.h['actions.settle']({ actionId: action.id, hash: action.hash, resolution: 'run_again' })
    await t.app.assistant.idle()

    expect(t.app.ledger.get(action.id)?.state).toBe('outcome_unknown')
    const view = await t.h['conversations.get']({ conversationId: conversation.id })
    const notice = view.entries.findLast((e) => e.kind === 'notice')
    expect(notice && 'text' in notice ? notice.text : '').toMatch(/^Not run again: .*still unknown/)
    expect(t.app.audit.read().filter((e) => e.actionId === action.id).map((e) => e.outcome)).toContain('run again refused')
    expect(await t.admin.effects()).toHaveLength(0)
  } finally {
    await t.close()
    dir.remove()
  }
})
