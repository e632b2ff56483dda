// Every ability the catalog has, by name: what a policy may name. Free of zod so the renderer can
// list them without loading schemas. A test checks this against main's catalog.
export const ABILITY_NAMES = [
  'search_records',
  'get_record',
  'list_overdue_invoices',
  'list_automations',
  'create_record',
  'update_record',
  'send_message',
  'enable_automation',
  'disable_automation'
] as const
export type AbilityName = (typeof ABILITY_NAMES)[number]
