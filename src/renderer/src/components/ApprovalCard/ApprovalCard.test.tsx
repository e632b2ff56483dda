import { act, cleanup, fireEvent, screen, within } from '@testing-library/react'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { ActionState, ActionView } from '../../../../shared/domain'
import { ApiError } from '../../api/errors'
import { action, HASH_B } from '../../test/fixtures'
import { createFakeApi } from '../../test/fakeApi'
import { flush, renderWithStore, setup } from '../../test/render'
import { useAppSelector } from '../../store/hooks'
import { ApprovalCard } from './ApprovalCard'

afterEach(() => {
  cleanup()
  vi.useRealTimers()
})

/** Renders the card as the app does: from the store, so pushed changes show. */
function StoreCard({ id }: { id: string }) {
  const view = useAppSelector((s) => s.actions.entities[id])
  return view ? <ApprovalCard action={view} /> : null
}

function renderCard(view: ActionView, fake = createFakeApi()) {
  const { store } = setup(fake)
  store.dispatch({ type: 'actions/actionChanged', payload: view })
  renderWithStore(<StoreCard id={view.id} />, store)
  return { fake, store, card: screen.getByTestId('approval-card') }
}

describe('ApprovalCard', () => {
  beforeEach(() => {
    vi.useFakeTimers({ shouldAdvanceTime: true })
    vi.setSystemTime(new Date('2025-03-10T09:00:00Z'))
  })

  it('shows title, summary, hash and the old and new values with changes highlighted', () => {
    const { card } = renderCard(action())
    expect(card.getAttribute('data-action-id')).toBe('act-1')
    expect(card.getAttribute('data-state')).toBe('pending')
    expect(card.getAttribute('data-hash')).toBe('a'.repeat(64))
    expect(within(card).getByRole('heading', { name: 'Update a record' })).toBeTruthy()
    expect(within(card).getByTestId('card-summary').textContent).toContain('Acme renewal')
    const detail = within(card).getByTestId('card-detail')
    const headers = within(detail).getAllByRole('columnheader').map((h) => h.textContent)
    expect(headers).toEqual(['Field', 'Now', 'After approval'])
    const stage = detail.querySelector('tr[data-field="stage"]')!
    expect(stage.className).toContain('is-changed')
    expect(stage.querySelector('.detail-table__before')!.textContent).toBe('Proposal')
    expect(stage.querySelector('.detail-table__after')!.textContent).toBe('Negotiation')
    expect(detail.querySelector('tr[data-field="owner"]')!.className).not.toContain('is-changed')
    expect(card.textContent).toContain('Proposed by the assistant on your behalf')
    expect(card.textContent).not.toContain('Fiona Finch')
    expect(detail.textContent).toContain('Deal Acme renewal')
  })

  it('counts down to expiry, ticking each minute', async () => {
    renderCard(action({ expiresAt: Date.now() + (47 * 60 + 12) * 60_000 + 30_000 }))
    expect(screen.getByTestId('card-expiry').textContent).toBe('Expires in 47 h 12 min')
    await act(async () => {
      vi.advanceTimersByTime(31_000)
    })
    expect(screen.getByTestId('card-expiry').textContent).toBe('Expires in 47 h 11 min')
    await act(async () => {
      vi.advanceTimersByTime(60_000)
    })
    expect(screen.getByTestId('card-expiry').textContent).toBe('Expires in 47 h 10 min')
  })

  it('approve calls decide with the action id and the hash from the card', async () => {
    const fake = createFakeApi({ 'actions.decide': async () => action({ hash: HASH_B, state: 'approved' }) })
    const { card } = renderCard(action({ hash: HASH_B }), fake)
    await act(async () => {
      fireEvent.click(within(card).getByTestId('approve-button'))
    })
    expect(fake.handlers['actions.decide']).toHaveBeenCalledWith({ actionId: 'act-1', hash: HASH_B, decision: 'approve' })
    await flush()
    expect(screen.getByTestId('approval-card').getAttribute('data-state')).toBe('approved')
    expect(screen.getByTestId('approval-card').textContent).toContain('Approved — running…')
  })

  it('decline opens a reason box and sends the reason with the card hash', async () => {
    const fake = createFakeApi({
      'actions.decide': async (input) => action({ hash: HASH_B, state: 'declined', declineReason: input.reason ?? null })
    })
    renderCard(action({ hash: HASH_B }), fake)
    expect(screen.queryByTestId('decline-reason')).toBeNull()
    fireEvent.click(screen.getByTestId('decline-button'))
    fireEvent.change(screen.getByTestId('decline-reason'), { target: { value: 'Wrong amount' } })
    await act(async () => {
      fireEvent.click(screen.getByTestId('decline-confirm'))
    })
    expect(fake.handlers['actions.decide']).toHaveBeenCalledWith({ actionId: 'act-1', hash: HASH_B, decision: 'decline', reason: 'Wrong amount' })
    await flush()
    const card = screen.getByTestId('approval-card')
    expect(card.getAttribute('data-state')).toBe('declined')
    expect(card.textContent).toContain('Declined')
    expect(card.textContent).toContain('Reason: Wrong amount')
    expect(screen.queryByTestId('approve-button')).toBeNull()
  })

  it('a decline without a reason sends no reason', async () => {
    const fake = createFakeApi({ 'actions.decide': async () => action({ state: 'declined' }) })
    renderCard(action(), fake)
    fireEvent.click(screen.getByTestId('decline-button'))
    await act(async () => {
      fireEvent.click(screen.getByTestId('decline-confirm'))
    })
    expect(fake.handlers['actions.decide']).toHaveBeenCalledWith({ actionId: 'act-1', hash: 'a'.repeat(64), decision: 'decline' })
  })

  it('disables the buttons while a decision is in flight and shows a refusal', async () => {
    let reject!: (e: Error) => void
    const fake = createFakeApi({ 'actions.decide': () => new Promise((_, r) => (reject = r)) })
    renderCard(action(), fake)
    await act(async () => {
      fireEvent.click(screen.getByTestId('approve-button'))
    })
    expect((screen.getByTestId('approve-button') as HTMLButtonElement).disabled).toBe(true)
    expect((screen.getByTestId('decline-button') as HTMLButtonElement).disabled).toBe(true)
    await act(async () => {
      reject(new ApiError('expired', 'This action expired and can no longer be approved.'))
    })
    await flush()
    expect(screen.getByTestId('card-refusal').textContent).toBe('This action expired and can no longer be approved.')
    expect((screen.getByTestId('approve-button') as HTMLButtonElement).disabled).toBe(false)
    // The card still shows what main says: pending, until main pushes otherwise.
    expect(screen.getByTestId('approval-card').getAttribute('data-state')).toBe('pending')
  })

  it('follows pushed changes', async () => {
    const { fake } = renderCard(action())
    await act(async () => fake.emit('action.changed', action({ state: 'executing' })))
    expect(screen.getByTestId('approval-card').textContent).toContain('Running…')
    expect(screen.queryByTestId('card-expiry')).toBeNull()
    await act(async () => fake.emit('action.changed', action({ state: 'succeeded', resultSummary: 'Deal updated: stage Negotiation' })))
    expect(screen.getByTestId('card-result').textContent).toBe('Deal updated: stage Negotiation')
  })

  const terminal: Array<[ActionState, Partial<ActionView>, string[]]> = [
    ['succeeded', { resultSummary: 'Message sent to Ann Lee' }, ['Done', 'Message sent to Ann Lee']],
    ['failed', { error: 'Permission refused by the CRM: you may not write deals' }, ['Failed', 'Permission refused by the CRM']],
    ['declined', { declineReason: 'Not now' }, ['Declined', 'Reason: Not now']],
    ['expired', {}, ['Expired — not run']],
    ['superseded', { supersededBy: 'act-2' }, ['Superseded — the record changed; see the new card', 'Show the new card']],
    ['cancelled', {}, ['Cancelled']],
    ['approved', {}, ['Approved — running…']],
    ['executing', {}, ['Running…']],
    ['outcome_unknown', {}, ["We don't know whether this happened", 'Mark as done', 'Run again']]
  ]
  for (const [state, extra, texts] of terminal) {
    it(`shows the ${state} state honestly`, () => {
      const { card } = renderCard(action({ state, ...extra }))
      expect(card.getAttribute('data-state')).toBe(state)
      for (const text of texts) expect(card.textContent).toContain(text)
      expect(within(card).queryByTestId('approve-button')).toBeNull()
      expect(within(card).queryByTestId('decline-button')).toBeNull()
      expect(within(card).queryByTestId('card-expiry')).toBeNull()
    })
  }

  it('shows the error of a failed action in card-error', () => {
    renderCard(action({ state: 'failed', error: 'Rate limited' }))
    expect(screen.getByTestId('card-error').textContent).toBe('Rate limited')
  })

  it('settles an unknown outcome with the hash', async () => {
    const fake = createFakeApi({ 'actions.settle': async () => action({ state: 'succeeded', resultSummary: 'Marked as done' }) })
    renderCard(action({ state: 'outcome_unknown' }), fake)
    await act(async () => {
      fireEvent.click(screen.getByTestId('settle-mark-done'))
    })
    // Asks first: nothing is sent until the confirmation.
    expect(fake.handlers['actions.settle']).not.toHaveBeenCalled()
    await act(async () => {
      fireEvent.click(screen.getByTestId('settle-mark-done-confirm'))
    })
    expect(fake.handlers['actions.settle']).toHaveBeenCalledWith({ actionId: 'act-1', hash: 'a'.repeat(64), resolution: 'mark_done' })
    await flush()
    expect(screen.getByTestId('approval-card').getAttribute('data-state')).toBe('succeeded')
  })

  it('superseded: the link asks to show the new card', async () => {
    const { store } = renderCard(action({ state: 'superseded', supersededBy: 'act-2' }))
    store.dispatch({ type: 'actions/actionChanged', payload: action({ id: 'act-2', conversationId: 'c1' }) })
    await act(async () => {
      fireEvent.click(screen.getByTestId('superseded-link'))
    })
    await flush()
    expect(store.getState().ui.view).toEqual({ kind: 'conversation', conversationId: 'c1' })
    expect(store.getState().ui.scrollTarget).toMatchObject({ actionId: 'act-2' })
  })

  it('renders message, create and automation details as plain text', () => {
    const { card } = renderCard(
      action({
        card: {
          summary: 'Email Ann Lee about invoice INV-7',
          detail: {
            kind: 'message',
            about: { type: 'invoice', id: 'i7', label: 'INV-7' },
            to: [{ name: 'Ann Lee', address: 'ann@acme.test' }],
            subject: 'Your overdue invoice',
            body: 'Hello Ann,\n<b>please</b> pay.'
          }
        }
      })
    )
    const detail = within(card).getByTestId('card-detail')
    expect(detail.textContent).toContain('Ann Lee <ann@acme.test>')
    expect(detail.textContent).toContain('Your overdue invoice')
    expect(detail.querySelector('pre')!.textContent).toBe('Hello Ann,\n<b>please</b> pay.')
    expect(detail.querySelector('b')).toBeNull()
    expect(detail.textContent).toContain('Invoice INV-7')
    cleanup()
    renderCard(
      action({
        card: {
          summary: 'Switch on “Dunning reminders”',
          detail: {
            kind: 'automation',
            automation: { type: 'automation', id: 'au1', label: 'Dunning reminders' },
            description: 'Emails customers weekly about overdue invoices',
            switchTo: 'on',
            consequence: 'Customers with overdue invoices will get an email every Monday'
          }
        }
      })
    )
    expect(screen.getByTestId('card-detail').textContent).toContain('Switch on')
    expect(screen.getByTestId('card-detail').textContent).toContain('every Monday')
    cleanup()
    renderCard(
      action({
        card: {
          summary: 'Create contact Bo Chen',
          detail: { kind: 'create', recordType: 'contact', fields: [{ field: 'name', label: 'Name', value: 'Bo Chen' }] }
        }
      })
    )
    expect(screen.getByTestId('card-detail').textContent).toContain('New contact')
    expect(screen.getByTestId('card-detail').textContent).toContain('Bo Chen')
  })

  it('shows what a read will look up when the user asked to confirm reads', () => {
    renderCard(
      action({
        ability: 'search_records',
        card: { summary: 'Search records (type: "invoice").', detail: { kind: 'read', inputs: [{ label: 'type', value: '"invoice"' }, { label: 'text', value: '"Acme"' }] } }
      })
    )
    const detail = screen.getByTestId('card-detail')
    expect(detail.textContent).toContain('Kind of record')
    expect(detail.textContent).toContain('Matching')
    expect(detail.textContent).toContain('Acme')
    expect(detail.textContent).not.toContain('"Acme"')
    expect(detail.querySelector('dt')!.textContent).not.toBe('type')
  })
  it('after the action ran, the table no longer calls the old values current or the new ones proposed', () => {
    const { card } = renderCard(action({ state: 'succeeded', resultSummary: 'Deal updated' }))
    const headers = within(card).getAllByRole('columnheader').map((h) => h.textContent)
    expect(headers).toEqual(['Field', 'Before', 'Now'])
    cleanup()
    const declined = renderCard(action({ state: 'declined' })).card
    const declinedHeaders = within(declined).getAllByRole('columnheader').map((h) => h.textContent)
    expect(declinedHeaders.join(' ')).not.toMatch(/Current|^Proposed$/)
    expect(declinedHeaders[2]).toMatch(/not applied/)
    cleanup()
    const unknown = renderCard(action({ state: 'outcome_unknown' })).card
    expect(within(unknown).getAllByRole('columnheader')[2].textContent).toMatch(/not confirmed/)
  })

  it('an automation card does not repeat what the automation does', () => {
    const description = 'Emails customers weekly about overdue invoices'
    const { card } = renderCard(
      action({
        card: {
          summary: 'Switch on the automation',
          detail: {
            kind: 'automation',
            automation: { type: 'automation', id: 'au1', label: 'Dunning reminders' },
            description,
            switchTo: 'on',
            consequence: `From now on it runs by itself: ${description}`
          }
        }
      })
    )
    const detail = within(card).getByTestId('card-detail')
    expect(detail.textContent!.split(description)).toHaveLength(2)
    expect(detail.textContent).toContain('From now on it runs by itself.')
  })

  it('an email card keeps recipients and subject next to its buttons', () => {
    const { card } = renderCard(
      action({
        card: {
          summary: 'Email Ann',
          detail: { kind: 'message', about: null, to: [{ name: 'Ann Lee', address: 'ann@acme.test' }], subject: 'Your invoice', body: 'x\n'.repeat(200) }
        }
      })
    )
    const bar = within(card).getByTestId('approve-button').closest('.card__actions') as HTMLElement
    expect(within(bar).getByTestId('card-sending').textContent).toContain('Ann Lee <ann@acme.test>')
    expect(within(bar).getByTestId('card-sending').textContent).toContain('Your invoice')
  })

  it('an unknown outcome is explained in plain words and neither choice is the default', () => {
    const { card } = renderCard(action({ state: 'outcome_unknown', error: 'The CRM did not answer in time.' }))
    expect(within(card).getByTestId('outcome-explain').textContent).toMatch(/could not tell us whether the change went through/)
    expect(within(card).getByTestId('outcome-explain').textContent).toMatch(/look at the Acme renewal record/)
    for (const id of ['settle-mark-done', 'settle-run-again']) {
      expect(within(card).getByTestId(id).className).not.toContain('button--primary')
    }
  })

  it('keyboard: D opens the decline form, Escape closes it, A approves the focused card', async () => {
    const fake = createFakeApi({ 'actions.decide': async () => action({ state: 'approved' }) })
    const { card } = renderCard(action(), fake)
    fireEvent.keyDown(within(card).getByTestId('approve-button'), { key: 'd' })
    const reason = screen.getByTestId('decline-reason')
    // Typing a reason never triggers shortcuts.
    fireEvent.keyDown(reason, { key: 'a' })
    expect(fake.handlers['actions.decide']).not.toHaveBeenCalled()
    fireEvent.keyDown(reason, { key: 'Escape' })
    expect(screen.queryByTestId('decline-reason')).toBeNull()
    await act(async () => {
      fireEvent.keyDown(within(card).getByTestId('decline-button'), { key: 'a' })
    })
    expect(fake.handlers['actions.decide']).toHaveBeenCalledWith({ actionId: 'act-1', hash: 'a'.repeat(64), decision: 'approve' })
  })

  it('after a decline, focus lands on the card\'s new state, not on the page', async () => {
    const fake = createFakeApi({ 'actions.decide': async () => action({ state: 'declined' }) })
    renderCard(action(), fake)
    fireEvent.click(screen.getByTestId('decline-button'))
    await act(async () => {
      fireEvent.click(screen.getByTestId('decline-confirm'))
    })
    await flush()
    expect(document.activeElement).toBe(screen.getByTestId('card-status'))
  })
})
