// The JSON Schema of the organisation policy, generated from the zod schema so the two agree.
import { z } from 'zod'
import { orgPolicySchema } from './org-policy'

export const POLICY_SCHEMA_ID = 'https://countersign.example/schemas/policy.schema.json'

export function policyJsonSchema(): Record<string, unknown> {
  const generated = z.toJSONSchema(orgPolicySchema, { target: 'draft-2020-12', io: 'input' }) as Record<string, unknown>
  return {
    $schema: generated.$schema,
    $id: POLICY_SCHEMA_ID,
    title: 'Countersign organisation policy',
    description:
      'Rules an administrator sets for Countersign: which abilities exist and whether they must ask, who may use the assistant, which AI providers are allowed, how long approvals may wait. The same format for /etc/countersign/policy.json, macOS managed preferences, the Windows registry and the CRM. See docs/administrators.md.',
    ...Object.fromEntries(Object.entries(generated).filter(([k]) => k !== '$schema'))
  }
}
