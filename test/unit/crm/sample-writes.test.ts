// Writes through the sample connector: permissions, validation, versions, idempotency, outbox.
import { describe, expect, it } from 'vitest'
import { crmError, workspace } from './sample-fixture'

describe('sample workspace: create', () => {
  it('creates a deal owned by the user, in their team', async () => {
    const { as, admin } = await workspace()
    const rita = await as('rita')
    const result = await rita.createRecord('deal', { name: 'Mooring buoys', accountId: 'acc-2', amount: 9400 }, 'k-create')
    expect(result.summary).toBe('Deal "Mooring buoys" created')
    expect(result.record).toMatchObject({ type: 'deal', id: 'deal-12' })
    const deal = await rita.get('deal', 'deal-12')
    expect(deal?.fields).toMatchObject({ stage: 'prospecting', ownerId: 'u-rita', team: 'East', amount: 9400, closeDate: null })
    expect(deal?.version).toBe(result.record?.version)
    expect(await (await as('sam')).get('deal', 'deal-12')).toBeNull()
    expect(await admin.effectCount('k-create')).toBe(1)
  })

  it('validates fields against the writable canonical fields', async () => {
    const { as, admin } = await workspace()
    const rita = await as('rita')
    const cases: [Parameters<typeof rita.createRecord>[1], RegExp][] = [
      [{ name: 'X', accountId: 'acc-1', colour: 'red' }, /Cannot set colour on a deal\. Fields that can be set: name, stage, amount, accountId, closeDate/],
      [{ name: 'X', accountId: 'acc-1', ownerId: 'u-sam' }, /Cannot set ownerId on a deal/],
      [{ name: 'X', accountId: 'acc-1', stage: 'maybe' }, /The sample workspace has no deal stage "maybe"\. Stages a deal can be moved to: prospecting, qualification, proposal, negotiation, won, lost/],
      [{ accountId: 'acc-1' }, /Name is required/],
      [{ name: 'X', accountId: 'acc-404' }, /no account with id "acc-404"/],
      [{ name: 'X', accountId: 'acc-1', amount: 'lots' }, /Amount must be a number/],
      [{ name: 'X', accountId: 'acc-1', closeDate: '2026-02-30' }, /yyyy-mm-dd/]
    ]
    for (const [fields, message] of cases) {
      const e = await crmError(rita.createRecord('deal', fields, `k-${JSON.stringify(fields)}`))
      expect(e.code).toBe('invalid')
      expect(e.message).toMatch(message)
    }
    const bad = await crmError(rita.createRecord('contact', { name: 'Y', email: 'not an address' }, 'k-email'))
    expect(bad.message).toMatch(/not an email address/)
    expect(await admin.effects()).toEqual([])
  })

  it('refuses a create the user may not do, and nothing is written', async () => {
    const { as, admin } = await workspace()
    const frank = await as('frank')
    const e = await crmError(frank.createRecord('deal', { name: 'X', accountId: 'acc-1' }, 'k-f'))
    expect(e).toMatchObject({ code: 'permission', message: 'Frank Osei may not create deals' })
    const maria = await as('maria')
    expect((await crmError(maria.createRecord('invoice', { number: 'INV-1' }, 'k-m'))).message).toBe('Maria Chen may not create invoices')
    expect((await admin.snapshot()).records.deal).toHaveLength(11)
    expect(await admin.effects()).toEqual([])
    expect(await maria.reconcile('k-f')).toEqual({ status: 'not_applied' })
  })
})

describe('sample workspace: update and versions', () => {
  it('updates a deal, bumps its version and says what changed', async () => {
    const { as } = await workspace()
    const rita = await as('rita')
    const before = (await rita.get('deal', 'deal-1'))!
    const result = await rita.updateRecord('deal', 'deal-1', before.version, { stage: 'won', amount: 50000 }, 'k-up')
    expect(result.summary).toBe('Deal "Spring dock hardware order" updated: stage proposal → won, amount 48500 → 50000')
    const after = (await rita.get('deal', 'deal-1'))!
    expect(after.version).not.toBe(before.version)
    expect(result.record).toEqual({ type: 'deal', id: 'deal-1', version: after.version })
    expect(after.fields).toMatchObject({ stage: 'won', amount: 50000 })
  })

  it('a stale version is a conflict and nothing is written', async () => {
    const { as, admin } = await workspace()
    const rita = await as('rita')
    const shown = (await rita.get('deal', 'deal-2'))!
    const edited = await admin.editRecordAs('theo', 'deal', 'deal-2', { amount: 130000 })
    expect(edited).not.toBe(shown.version)
    const e = await crmError(rita.updateRecord('deal', 'deal-2', shown.version, { stage: 'won' }, 'k-stale'))
    expect(e.code).toBe('conflict')
    expect(e.message).toContain('Teak decking supply contract')
    const now = (await rita.get('deal', 'deal-2'))!
    expect(now.fields).toMatchObject({ stage: 'negotiation', amount: 130000 })
    expect(now.version).toBe(edited)
    expect(await admin.effectCount('k-stale')).toBe(0)
    expect(await rita.reconcile('k-stale')).toEqual({ status: 'not_applied' })
  })

  it('refuses updates outside the user’s permissions', async () => {
    const { as, admin } = await workspace()
    const rita = await as('rita')
    const samsDeal = (await (await as('maria')).get('deal', 'deal-7'))!
    const e = await crmError(rita.updateRecord('deal', 'deal-7', samsDeal.version, { stage: 'lost' }, 'k-other-team'))
    expect(e).toMatchObject({ code: 'permission', message: 'Rita Alvarez may not update deal deal-7: it belongs to another team' })
    const frank = await as('frank')
    expect((await crmError(frank.updateRecord('deal', 'deal-1', '1', { stage: 'won' }, 'k-frank'))).message).toBe(
      'Frank Osei may not update deals'
    )
    expect((await crmError(rita.updateRecord('deal', 'deal-404', '1', { stage: 'won' }, 'k-404'))).code).toBe('not_found')
    expect(await admin.effects()).toEqual([])
  })

  it('a permission revoked after the proposal is refused at execution', async () => {
    const { as, admin } = await workspace()
    const rita = await as('rita')
    const shown = (await rita.get('deal', 'deal-1'))!
    await admin.revoke('rita', 'deal.update')
    const e = await crmError(rita.updateRecord('deal', 'deal-1', shown.version, { stage: 'won' }, 'k-revoked'))
    expect(e).toMatchObject({ code: 'permission', message: 'Rita Alvarez may not update deals' })
    expect((await rita.get('deal', 'deal-1'))?.version).toBe(shown.version)
    await admin.grant('rita', 'deal.update')
    await rita.updateRecord('deal', 'deal-1', shown.version, { stage: 'won' }, 'k-regranted')
  })
})

describe('sample workspace: idempotency and reconcile', () => {
  it('a second write with the same key returns the stored result without applying again', async () => {
    const { as, admin } = await workspace()
    const rita = await as('rita')
    const v1 = (await rita.get('deal', 'deal-1'))!.version
    const first = await rita.updateRecord('deal', 'deal-1', v1, { amount: 51000 }, 'k-once')
    const again = await rita.updateRecord('deal', 'deal-1', v1, { amount: 51000 }, 'k-once')
    expect(again).toEqual(first)
    expect(await admin.effectCount('k-once')).toBe(1)
    expect((await rita.get('deal', 'deal-1'))!.version).toBe(first.record?.version)

    const msg = { about: null, to: [{ name: 'Dana', address: 'dana.whitfield@acme-marine.example.com' }], subject: 'Hello', body: 'Hi' }
    await rita.sendMessage(msg, 'k-msg')
    await rita.sendMessage(msg, 'k-msg')
    expect(await admin.outbox()).toHaveLength(1)
    expect(await admin.effectCount('k-msg')).toBe(1)
  })

  it('the same key for a different write is refused', async () => {
    const { as, admin } = await workspace()
    const rita = await as('rita')
    await rita.createRecord('account', { name: 'One' }, 'k-dup')
    const e = await crmError(rita.createRecord('account', { name: 'Two' }, 'k-dup'))
    expect(e.code).toBe('invalid')
    expect(await admin.effectCount('k-dup')).toBe(1)
  })

  it('reconcile answers applied with the result, or not_applied', async () => {
    const { as } = await workspace()
    const rita = await as('rita')
    expect(await rita.reconcile('k-never')).toEqual({ status: 'not_applied' })
    const result = await rita.createRecord('contact', { name: 'Nina Park', email: 'nina@acme-marine.example.com', accountId: 'acc-1' }, 'k-rec')
    expect(await rita.reconcile('k-rec')).toEqual({ status: 'applied', result })
    // another user's key is not theirs to look up
    expect((await crmError((await as('sam')).reconcile('k-rec'))).code).toBe('permission')
  })
})

describe('sample workspace: messages', () => {
  const dana = { name: 'Dana Whitfield', address: 'dana.whitfield@acme-marine.example.com' }

  it('sends a message about a readable record into the outbox', async () => {
    const { as, admin } = await workspace()
    const rita = await as('rita')
    const result = await rita.sendMessage({ about: { type: 'deal', id: 'deal-1' }, to: [dana], subject: 'Your quote', body: 'Attached.' }, 'k-send')
    expect(result.summary).toBe('Message "Your quote" sent to Dana Whitfield <dana.whitfield@acme-marine.example.com>')
    const outbox = await admin.outbox()
    expect(outbox).toHaveLength(1)
    expect(outbox[0]).toMatchObject({ to: [dana], subject: 'Your quote', body: 'Attached.', about: { type: 'deal', id: 'deal-1' }, sentBy: 'u-rita' })
    expect(outbox[0].at).toMatch(/^\d{4}-\d{2}-\d{2}T/)
  })

  it('a message about a record the user cannot read is refused, with nothing in the outbox', async () => {
    const { as, admin } = await workspace()
    const rita = await as('rita')
    const aboutInvoice = await crmError(rita.sendMessage({ about: { type: 'invoice', id: 'inv-1' }, to: [dana], subject: 'Pay up', body: '' }, 'k-inv'))
    expect(aboutInvoice).toMatchObject({ code: 'permission', message: 'Cannot send a message about invoice inv-1: Rita Alvarez may not read invoices' })
    const aboutOtherTeam = await crmError(rita.sendMessage({ about: { type: 'deal', id: 'deal-7' }, to: [dana], subject: 'Hi', body: '' }, 'k-deal7'))
    expect(aboutOtherTeam.code).toBe('permission')
    expect(await admin.outbox()).toEqual([])
    expect(await admin.effects()).toEqual([])
    // finance may write about the invoice
    await (await as('frank')).sendMessage({ about: { type: 'invoice', id: 'inv-1' }, to: [dana], subject: 'Reminder', body: '' }, 'k-frank')
    expect(await admin.outbox()).toHaveLength(1)
  })

  it('an unknown recipient is refused, with nothing in the outbox', async () => {
    const { as, admin } = await workspace()
    const rita = await as('rita')
    const e = await crmError(
      rita.sendMessage({ about: null, to: [dana, { name: 'Eve', address: 'eve@attacker.example.net' }], subject: 'Hi', body: '' }, 'k-eve')
    )
    expect(e.code).toBe('invalid')
    expect(e.message).toContain('eve@attacker.example.net')
    expect(await admin.outbox()).toEqual([])
  })

  it('the recipient name comes from the CRM, not from the request', async () => {
    const { as, admin } = await workspace()
    await (await as('rita')).sendMessage({ about: null, to: [{ name: 'Someone else', address: dana.address }], subject: 'Hi', body: '' }, 'k-name')
    expect((await admin.outbox())[0].to).toEqual([dana])
  })
})

describe('sample workspace: automations', () => {
  it('only the manager may switch an automation; a stale version is a conflict', async () => {
    const { as, admin } = await workspace()
    const rita = await as('rita')
    const auto = (await rita.getAutomation('auto-1'))!
    expect(await crmError(rita.setAutomation('auto-1', true, auto.version, 'k-r'))).toMatchObject({
      code: 'permission',
      message: 'Rita Alvarez may not switch automations on or off'
    })
    const maria = await as('maria')
    const result = await maria.setAutomation('auto-1', true, auto.version, 'k-m')
    expect(result.summary).toBe('Automation "Overdue invoice reminders" switched on')
    const now = (await maria.getAutomation('auto-1'))!
    expect(now.active).toBe(true)
    expect(now.version).not.toBe(auto.version)
    expect((await crmError(maria.setAutomation('auto-1', false, auto.version, 'k-stale'))).code).toBe('conflict')
    await admin.setAutomationAs('frank', 'auto-2', false)
    expect((await maria.getAutomation('auto-2'))?.active).toBe(false)
  })
})

describe('sample workspace: sessions and availability', () => {
  it('offline: every call is unavailable; back online it works again', async () => {
    const { as, admin } = await workspace()
    const rita = await as('rita')
    admin.setOffline(true)
    for (const call of [
      rita.search('account', {}),
      rita.get('deal', 'deal-1'),
      rita.listAutomations(),
      rita.createRecord('account', { name: 'X' }, 'k-off'),
      rita.reconcile('k-off'),
      as('frank')
    ]) {
      expect((await crmError(call)).code).toBe('unavailable')
    }
    admin.setOffline(false)
    expect(await rita.reconcile('k-off')).toEqual({ status: 'not_applied' })
  })

  it('a closed session is expired', async () => {
    const { as } = await workspace()
    const rita = await as('rita')
    await rita.close()
    expect((await crmError(rita.search('account', {}))).code).toBe('session_expired')
  })

  it('an unknown token is refused by the server', async () => {
    const { server } = await workspace()
    expect((await crmError(server.search('forged-token', 'account', {}))).code).toBe('session_expired')
    expect((await crmError(server.createRecord('', 'account', { name: 'X' }, 'k'))).code).toBe('session_expired')
  })
})
