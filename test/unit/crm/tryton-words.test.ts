// Pure parts of the Tryton connector: refusals recognised from Tryton's own message templates in
// any language, and scenario domains spelled out in words.
import { describe, expect, it } from 'vitest'
import { describeDomain } from '../../../src/main/crm/tryton/automations'
import { RefusalCatalog, classifyEnglish } from '../../../src/main/crm/tryton/refusals'
import { checkServerVersion } from '../../../src/main/crm/tryton/version'

describe('refusals', () => {
  it("recognises Tryton's English refusals and tells a field refusal from a model one", () => {
    const catalog = new RefusalCatalog()
    expect(catalog.classify('You are not allowed to access "Sale Opportunity.Amount".')).toBe('field')
    expect(catalog.classify('You are not allowed to access "Invoice".')).toBe('permission')
    expect(catalog.classify('You are not allowed to read records "5" of "Sale Opportunity" because of at least one of these rules:\nOwn')).toBe('permission')
    expect(catalog.classify('You are trying to read records "9" of "Party" that don\'t exist anymore.')).toBe('not_found')
    expect(catalog.classify('The value "x" for field "Amount" is not valid.')).toBeNull()
    expect(classifyEnglish('Calling button "lost on "Sale Opportunity" is not allowed.')).toBe('permission')
  })

  it('recognises refusals in another language once its templates are added', () => {
    const catalog = new RefusalCatalog()
    const french = "Vous n'êtes pas autorisé à accéder à « Facture »."
    expect(catalog.classify(french)).toBeNull()
    catalog.add({ msg_access_rule_error: "Vous n'êtes pas autorisé à accéder à « %(model)s »." })
    expect(catalog.classify(french)).toBe('permission')
  })
})

describe('scenario domains in words', () => {
  it.each([
    ['[["name", "ilike", "%Vandelay%"]]', 'where the name contains "Vandelay"'],
    ['[["categories", "=", null]]', 'where the categories is empty'],
    ['[]', 'all'],
    ['["OR", ["name", "ilike", "%a%"], ["email", "=", "x@y.z"]]', 'where the name contains "a" or the email is "x@y.z"'],
    ['{"__class__": "Eval"}', 'the condition {"__class__":"Eval"}']
  ])('%s → %s', (domain, words) => {
    expect(describeDomain(domain)).toBe(words)
  })
})

describe('server version', () => {
  it('accepts the 6.0 series only, naming it when refusing', () => {
    expect(() => checkServerVersion('6.0.29')).not.toThrow()
    expect(() => checkServerVersion('6.2.0')).toThrow(/has not been tested with\. Supported: Tryton 6\.0\./)
    expect(() => checkServerVersion('60.0')).toThrow()
  })
})
