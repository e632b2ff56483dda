// Through the real core (sample workspace, demo assistant): what one user message costs the
// conversation and the audit log on disk, however long the conversation already is, and that a
// restart sees it all.
import { afterEach, describe, expect, it } from 'vitest'
import { ConversationStore } from '../../../src/main/conversations/store'
import { createDemoModel } from '../../../src/main/providers/demo'
import { openTestApp, tempDir } from '../../support/test-app'

const STAGES = ['prospecting', 'qualification', 'proposal', 'negotiation']
const DEAL = 'Spring dock hardware order'
const nextTurn = () => new Promise((resolve) => setImmediate(resolve))

const cleanup: (() => Promise<void> | void)[] = []
afterEach(async () => {
  while (cleanup.length) await cleanup.pop()!()
})

async function start(dir: string) {
  const t = await openTestApp(dir, { model: () => createDemoModel() })
  cleanup.push(() => t.close())
  await t.signIn('maria')
  return t
}

describe('conversations through the app: a message that ends on a card', () => {
  it('costs at most two durable conversation writes and one audit sync, from the first message to the thirtieth, and a restart sees every entry', async () => {
    const dir = tempDir()
    cleanup.push(() => dir.remove())
    const t = await start(dir.path)
    const conversation = await t.h['conversations.create']({})
    await nextTurn()
    const perMessage: number[] = []
    const auditPerMessage: number[] = []
    for (let round = 0; round < 30; round++) {
      const before = t.app.conversations.durableWrites
      const auditBefore = t.app.audit.durableWrites
      const auditLinesBefore = t.app.audit.readAll().length
      await t.say(conversation.id, `Move the deal ${DEAL} to ${STAGES[round % STAGES.length]}`)
      await nextTurn()
      perMessage.push(t.app.conversations.durableWrites - before)
      // The proposal's line is the one sync waited for; the message, the steps and the read ride on it.
      auditPerMessage.push(t.app.audit.durableWrites - auditBefore)
      const lines = t.app.audit.readAll().slice(auditLinesBefore).map((e) => e.event)
      expect(lines, `round ${round}`).toEqual(expect.arrayContaining(['request', 'step', 'tool', 'proposed']))
      const pending = (await t.h['actions.forConversation']({ conversationId: conversation.id })).filter((a) => a.state === 'pending')
      expect(pending, `round ${round}`).toHaveLength(1)
      // The card is on disk in the conversation too: a restart right now would show it waiting.
      const onDisk = new ConversationStore(dir.path, Date.now).get(conversation.id)!
      expect(onDisk.status).toBe('waiting')
      expect(onDisk.entries.some((e) => e.kind === 'tool' && e.actionId === pending[0].id && e.status === 'waiting')).toBe(true)
      await t.h['actions.decide']({ actionId: pending[0].id, hash: pending[0].hash, decision: 'approve' })
      await t.app.assistant.idle()
      await nextTurn() // the answer after the approval is committed with it, not with the next message
      expect(t.app.ledger.get(pending[0].id)!.state).toBe('succeeded')
    }
    expect(Math.max(...perMessage), `writes per message: ${perMessage.join(', ')}`).toBeLessThanOrEqual(2)
    expect(auditPerMessage, `audit syncs per message: ${auditPerMessage.join(', ')}`).toEqual(Array(30).fill(1))
    const view = await t.h['conversations.get']({ conversationId: conversation.id })
    expect(view.entries.filter((e) => e.kind === 'user')).toHaveLength(30)
    await t.close()
    cleanup.pop()

    const again = await start(dir.path)
    expect(await again.h['conversations.get']({ conversationId: conversation.id })).toEqual(view)
  }, 60_000)
})
