import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { ActionState, Entry } from '../../../src/shared/domain'
import {
  ConversationRefusedError,
  deleteConversation,
  renameConversation,
  reusableEmptyConversation,
  searchConversations
} from '../../../src/main/conversations/manage'
import { ConversationStore } from '../../../src/main/conversations/store'

const dirs: string[] = []
afterEach(() => {
  while (dirs.length) rmSync(dirs.pop()!, { recursive: true, force: true })
})

function harness() {
  const dir = mkdtempSync(join(tmpdir(), 'countersign-conv-'))
  dirs.push(dir)
  let now = 1_000
  const store = new ConversationStore(dir, () => (now += 10))
  const actions: { conversationId: string; state: ActionState }[] = []
  const ledger = { forConversation: (id: string) => actions.filter((a) => a.conversationId === id) }
  const say = (id: string, text: string) =>
    store.update(id, (d) => {
      d.entries.push({ kind: 'user', id: `e${d.entries.length}`, at: now, text } as Entry)
    })
  return { dir, store, actions, ledger, say }
}

const refused = (fn: () => unknown, code: string) => {
  try {
    fn()
  } catch (error) {
    expect(error).toBeInstanceOf(ConversationRefusedError)
    expect((error as ConversationRefusedError).code).toBe(code)
    return (error as Error).message
  }
  throw new Error('was not refused')
}

describe('managing conversations', () => {
  it('renames with a tidy title; refuses empty, too long, invisible characters and other users', () => {
    const { store } = harness()
    const c = store.create('u-ann')
    expect(renameConversation(store, 'u-ann', c.id, '  Q3   renewals ').title).toBe('Q3 renewals')
    expect(refused(() => renameConversation(store, 'u-ann', c.id, '   '), 'invalid_title')).toBe('Give the conversation a name.')
    refused(() => renameConversation(store, 'u-ann', c.id, 'x'.repeat(121)), 'invalid_title')
    refused(() => renameConversation(store, 'u-ann', c.id, 'Pay\u202egnp.exe'), 'invalid_title')
    refused(() => renameConversation(store, 'u-bob', c.id, 'Mine now'), 'not_found')
    expect(store.get(c.id)!.title).toBe('Q3 renewals')
  })

  it('deletes a conversation whose actions are settled, keeping the ledger; refuses while one is in play', () => {
    const { dir, store, actions, ledger } = harness()
    const c = store.create('u-ann')
    actions.push({ conversationId: c.id, state: 'succeeded' }, { conversationId: c.id, state: 'pending' })
    expect(refused(() => deleteConversation(store, ledger, 'u-ann', c.id), 'in_play')).toMatch(/still waiting or running/)
    actions[1].state = 'outcome_unknown'
    refused(() => deleteConversation(store, ledger, 'u-ann', c.id), 'in_play')
    actions[1].state = 'declined'
    refused(() => deleteConversation(store, ledger, 'u-bob', c.id), 'not_found')
    deleteConversation(store, ledger, 'u-ann', c.id)
    expect(store.get(c.id)).toBeUndefined()
    expect(existsSync(join(dir, 'conversations', `${c.id}.json`))).toBe(false)
    expect(ledger.forConversation(c.id)).toHaveLength(2)
    // Gone after a restart too.
    expect(new ConversationStore(dir, () => 0).get(c.id)).toBeUndefined()
  })

  it('refuses to delete while an answer is being written', () => {
    const { store, ledger } = harness()
    const c = store.create('u-ann')
    store.update(c.id, (d) => (d.status = 'running'))
    refused(() => deleteConversation(store, ledger, 'u-ann', c.id), 'in_play')
  })

  it("searches titles and text of the user's own conversations, every word, with a snippet", () => {
    const { store, say } = harness()
    const a = store.create('u-ann')
    say(a.id, 'Show overdue invoices for Pacific Timberline please')
    const b = store.create('u-ann')
    renameConversation(store, 'u-ann', b.id, 'Pacific deals')
    const bob = store.create('u-bob')
    say(bob.id, 'Pacific Timberline invoices')
    const hits = searchConversations(store, 'u-ann', 'pacific INVOICES')
    expect(hits.map((h) => h.id)).toEqual([a.id])
    expect(hits[0].snippet).toContain('Pacific Timberline')
    expect(searchConversations(store, 'u-ann', 'pacific').map((h) => h.id).sort()).toEqual([a.id, b.id].sort())
    expect(searchConversations(store, 'u-ann', '   ')).toEqual([])
  })

  it('an untouched "New conversation" is reused instead of piling up', () => {
    const { store, say } = harness()
    const used = store.create('u-ann')
    say(used.id, 'hello')
    expect(reusableEmptyConversation(store, 'u-ann')).toBeUndefined()
    const empty = store.create('u-ann')
    expect(reusableEmptyConversation(store, 'u-ann')?.id).toBe(empty.id)
    expect(reusableEmptyConversation(store, 'u-bob')).toBeUndefined()
  })
})
