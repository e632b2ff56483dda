import { act, cleanup, fireEvent, screen, within } from '@testing-library/react'
import { afterEach, describe, expect, it } from 'vitest'
import type { ActionView } from '../../../../shared/domain'
import { ApiError } from '../../api/errors'
import { action, HASH_B } from '../../test/fixtures'
import { createFakeApi } from '../../test/fakeApi'
import { flush, renderWithStore, setup } from '../../test/render'
import { loadInboxPage } from '../../store/thunks'
import { viewSelected } from '../../store/uiSlice'
import { BULK_GUARD } from './BulkReview'
import { Inbox } from './Inbox'

afterEach(cleanup)

async function renderInbox(items: ActionView[], decide?: Parameters<typeof createFakeApi>[0]) {
  const fake = createFakeApi({ 'actions.inboxPage': async () => ({ items, total: items.length, nextCursor: null }), ...decide })
  const { store } = setup(fake)
  store.dispatch(viewSelected({ kind: 'inbox' }))
  renderWithStore(<Inbox />, store)
  await act(async () => {
    await store.dispatch(loadInboxPage({ reset: true }))
    await flush()
  })
  return { fake, store }
}

describe('inbox: several at once', () => {
  it('one review screen lists each selected action in full; each decision names its own hash; refusals are reported', async () => {
    const items = [
      action({ id: 'a1', hash: 'a'.repeat(64), card: { summary: 'First change', detail: action().card.detail } }),
      action({ id: 'a2', hash: HASH_B, card: { summary: 'Second change', detail: action().card.detail } }),
      action({ id: 'a3', card: { summary: 'Not selected', detail: action().card.detail } })
    ]
    const { fake } = await renderInbox(items, {
      'actions.decide': async (input) => {
        if (input.actionId === 'a2') throw new ApiError('decision_expired', 'This action has expired and can no longer be approved.')
        return action({ id: input.actionId, state: 'approved' })
      }
    })
    const rows = screen.getAllByTestId('inbox-item')
    fireEvent.click(within(rows[0]).getByTestId('inbox-row-select'))
    fireEvent.click(within(rows[1]).getByTestId('inbox-row-select'))
    expect(screen.getByTestId('selection-bar').textContent).toContain('2 selected')
    fireEvent.click(screen.getByTestId('bulk-approve'))
    const review = screen.getByTestId('bulk-review')
    const listed = within(review).getByTestId('bulk-list')
    expect(listed.textContent).toContain('First change')
    expect(listed.textContent).toContain('Second change')
    expect(listed.textContent).not.toContain('Not selected')
    // In full: the before/after table of each.
    expect(within(listed).getAllByRole('table')).toHaveLength(2)
    expect(fake.handlers['actions.decide']).not.toHaveBeenCalled()
    await act(async () => {
      fireEvent.click(within(review).getByTestId('bulk-confirm'))
      await flush()
    })
    expect(fake.handlers['actions.decide']).toHaveBeenCalledTimes(2)
    expect(fake.handlers['actions.decide']).toHaveBeenCalledWith({ actionId: 'a1', hash: 'a'.repeat(64), decision: 'approve' })
    expect(fake.handlers['actions.decide']).toHaveBeenCalledWith({ actionId: 'a2', hash: HASH_B, decision: 'approve' })
    expect(within(review).getByTestId('bulk-result').textContent).toContain('Approved: 1 of 2')
    expect(within(review).getByTestId('bulk-refused').textContent).toContain('has expired')
  })

  it(`above ${BULK_GUARD} actions it asks again before anything is sent`, async () => {
    const items = Array.from({ length: BULK_GUARD + 1 }, (_, i) => action({ id: `a${i}` }))
    const { fake } = await renderInbox(items, { 'actions.decide': async (input) => action({ id: input.actionId, state: 'declined' }) })
    for (const box of screen.getAllByTestId('inbox-row-select')) fireEvent.click(box)
    fireEvent.click(screen.getByTestId('bulk-decline'))
    const confirm = screen.getByTestId('bulk-confirm') as HTMLButtonElement
    expect(confirm.disabled).toBe(true)
    fireEvent.change(screen.getByTestId('bulk-reason'), { target: { value: 'Not this quarter' } })
    fireEvent.click(screen.getByTestId('bulk-guard'))
    expect(confirm.disabled).toBe(false)
    await act(async () => {
      fireEvent.click(confirm)
      await flush()
    })
    expect(fake.handlers['actions.decide']).toHaveBeenCalledTimes(BULK_GUARD + 1)
    expect(fake.handlers['actions.decide']).toHaveBeenCalledWith(expect.objectContaining({ decision: 'decline', reason: 'Not this quarter' }))
  })

  it('the organisation sets the number above which a second confirmation is asked', async () => {
    const items = Array.from({ length: 3 }, (_, i) => action({ id: `a${i}` }))
    const organisation = { sources: [], maxApprovalHours: null, looseningLockedBy: null, bulkConfirmAbove: { count: 2, setBy: 'your IT department' }, providers: { kinds: [], preset: null, rules: [] } }
    await renderInbox(items, { 'settings.get': async () => ({ expiryHours: 48, policy: [], organisation }) })
    await act(async () => {
      await flush()
    })
    for (const box of screen.getAllByTestId('inbox-row-select')) fireEvent.click(box)
    fireEvent.click(screen.getByTestId('bulk-approve'))
    expect((screen.getByTestId('bulk-confirm') as HTMLButtonElement).disabled).toBe(true)
    expect(screen.getByTestId('bulk-guard')).toBeTruthy()
  })

  it('rows that are no longer waiting cannot be selected', async () => {
    await renderInbox([action({ id: 'a1', state: 'outcome_unknown' })])
    expect((screen.getByTestId('inbox-row-select') as HTMLInputElement).disabled).toBe(true)
  })
})
