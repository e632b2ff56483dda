// Which Tryton UserErrors are refusals. The wire cannot tell: Tryton 6.0 sends its AccessError as
// a plain "UserError" with a message in the user's language. So refusals are recognised by
// Tryton's own message templates (ir.message), read in the session's language the first time a
// UserError arrives, with the English templates as the fallback; the user sees Tryton's words.
import type { CrmErrorCode } from '../types'

/** ir.message ids (module "ir") whose text means "this user may not" or "no such record". */
export const MESSAGE_CODES: Record<string, 'permission' | 'field' | 'not_found'> = {
  msg_access_rule_error: 'permission',
  msg_access_rule_field_error: 'field',
  msg_create_rule_error: 'permission',
  msg_read_rule_error: 'permission',
  msg_write_rule_error: 'permission',
  msg_delete_rule_error: 'permission',
  msg_access_button_error: 'permission',
  msg_access_wizard_error: 'permission',
  msg_access_wizard_model_error: 'permission',
  msg_read_error: 'not_found',
  msg_write_error: 'not_found',
  msg_delete_error: 'not_found'
}

/** Tryton 6.0's English texts of those messages (ir/message.xml). */
const ENGLISH: Record<string, string> = {
  msg_access_rule_error: 'You are not allowed to access "%(model)s".',
  msg_access_rule_field_error: 'You are not allowed to access "%(model)s.%(field)s".',
  msg_create_rule_error: 'You are not allowed to create records of "%(model)s" because they fail on at least one of these rules:\n%(rules)s',
  msg_read_rule_error: 'You are not allowed to read records "%(ids)s" of "%(model)s" because of at least one of these rules:\n%(rules)s',
  msg_write_rule_error: 'You are not allowed to write to records "%(ids)s" of "%(model)s" because of at least one of these rules:\n%(rules)s',
  msg_delete_rule_error: 'You are not allowed to delete records "%(ids)s" of "%(model)s" because of at lease one of those rules:\n%(rules)s',
  msg_access_button_error: 'Calling button "%(button)s on "%(model)s" is not allowed.',
  msg_access_wizard_error: 'You are not allowed to execute wizard "%(wizard)s".',
  msg_access_wizard_model_error: 'You are not allowed to execute wizard "%(wizard)s" on "%(model)s".',
  msg_read_error: 'You are trying to read records "%(ids)s" of "%(model)s" that don\'t exist anymore.',
  msg_write_error: 'You are trying to write on records "%(ids)s" of "%(model)s" that don\'t exist anymore.',
  msg_delete_error: 'You are trying to delete records "%(ids)s" of "%(model)s" that don\'t exist anymore.'
}

export type RefusalKind = 'permission' | 'field' | 'not_found'

/** A regular expression matching the messages Tryton renders from a template. */
export function templatePattern(template: string): RegExp {
  const parts = template.split(/%\([a-z_]+\)[sd]/)
  const escaped = parts.map((p) => p.trim().replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/\s+/g, '\\s+'))
  return new RegExp(`^\\s*${escaped.join('[\\s\\S]*?')}\\s*$`)
}

export class RefusalCatalog {
  private readonly patterns: { kind: RefusalKind; re: RegExp }[] = []

  constructor(templates: Record<string, string> = ENGLISH) {
    this.add(templates)
  }

  add(templates: Record<string, string>): void {
    for (const [id, text] of Object.entries(templates)) {
      const kind = MESSAGE_CODES[id]
      if (kind && text) this.patterns.push({ kind, re: templatePattern(text) })
    }
  }

  /** A field refusal is checked first: the model refusal's template also matches its text. */
  classify(message: string): RefusalKind | null {
    return (this.patterns.find((p) => p.kind === 'field' && p.re.test(message)) ?? this.patterns.find((p) => p.re.test(message)))?.kind ?? null
  }
}

const english = new RefusalCatalog()

/** The CrmError code for a Tryton message in English (before the session knows its language). */
export function classifyEnglish(message: string): CrmErrorCode | null {
  return codeOf(english.classify(message))
}

export function codeOf(kind: RefusalKind | null): CrmErrorCode | null {
  return kind === 'field' ? 'permission' : kind
}
