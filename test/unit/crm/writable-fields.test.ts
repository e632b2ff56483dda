// One check of writable fields for every CRM: unknown, read-only and unsupported fields, empty
// changes, stages the CRM lacks or cannot reach from the current one. Refusals name what is allowed.
import { describe, expect, it } from 'vitest'
import { checkWritable, settableStages, writableFields } from '../../../src/main/crm/fields'
import { SAMPLE_SCHEMA } from '../../../src/main/crm/sample/model'
import { TRYTON_SCHEMA } from '../../../src/main/crm/tryton/stages'
import { CrmError } from '../../../src/main/crm/types'

function refusal(fn: () => void): string {
  try {
    fn()
  } catch (e) {
    if (e instanceof CrmError && e.code === 'invalid') return e.message
    throw e
  }
  throw new Error('expected a refusal')
}

describe('checkWritable', () => {
  it('refuses unknown and read-only fields, listing the fields that can be set', () => {
    expect(refusal(() => checkWritable(SAMPLE_SCHEMA, 'deal', { colour: 'red', ownerId: 'u-1' }))).toBe(
      'Cannot set colour, ownerId on a deal. Fields that can be set: name, stage, amount, accountId, closeDate.'
    )
    expect(refusal(() => checkWritable(TRYTON_SCHEMA, 'invoice', { total: 3 }))).toContain('Fields that can be set: none.')
  })

  it("refuses a field this CRM cannot hold, with the CRM's reason", () => {
    expect(writableFields(TRYTON_SCHEMA, 'contact')).not.toContain('title')
    expect(writableFields(SAMPLE_SCHEMA, 'contact')).toContain('title')
    expect(refusal(() => checkWritable(TRYTON_SCHEMA, 'contact', { title: 'CFO' }))).toContain('Tryton parties have no job title.')
    expect(() => checkWritable(SAMPLE_SCHEMA, 'contact', { title: 'CFO' })).not.toThrow()
  })

  it('refuses an empty change', () => {
    expect(refusal(() => checkWritable(SAMPLE_SCHEMA, 'account', {}))).toBe('No fields to change were given.')
  })

  it("refuses a stage the CRM does not have, naming each CRM's own stages", () => {
    expect(refusal(() => checkWritable(TRYTON_SCHEMA, 'deal', { stage: 'negotiation' }))).toBe(
      'Tryton has no deal stage "negotiation". Stages a deal can be moved to: lead, opportunity, converted, lost, cancelled.'
    )
    expect(() => checkWritable(SAMPLE_SCHEMA, 'deal', { stage: 'Negotiation' })).not.toThrow()
    expect(refusal(() => checkWritable(SAMPLE_SCHEMA, 'deal', { stage: 'converted' }))).toContain('prospecting, qualification, proposal, negotiation, won, lost')
  })

  it('refuses a stage only the CRM sets, and a move the workflow does not allow from the current stage', () => {
    expect(settableStages(TRYTON_SCHEMA)).not.toContain('won')
    expect(refusal(() => checkWritable(TRYTON_SCHEMA, 'deal', { stage: 'won' }))).toContain('Tryton sets the stage "won" itself')
    expect(refusal(() => checkWritable(TRYTON_SCHEMA, 'deal', { stage: 'converted' }, { currentStage: 'cancelled' }))).toBe(
      'In Tryton a deal in stage "cancelled" cannot move to "converted". It can move to: lead.'
    )
    expect(() => checkWritable(TRYTON_SCHEMA, 'deal', { stage: 'lost' }, { currentStage: 'lost' })).not.toThrow()
    expect(() => checkWritable(SAMPLE_SCHEMA, 'deal', { stage: 'prospecting' }, { currentStage: 'won' })).not.toThrow()
  })
})
