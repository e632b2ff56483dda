// Writes resources/policy.schema.json from the zod schema main parses with (src/shared/org-policy.ts),
// so the file administrators validate against cannot drift from what the app accepts.
// `npx tsx scripts/policy/write-schema.ts`; test/unit/policy/schema.test.ts fails when it is stale.
import { writeFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { policyJsonSchema } from '../../src/shared/org-policy-json-schema'

const target = resolve(import.meta.dirname, '../../resources/policy.schema.json')
writeFileSync(target, JSON.stringify(policyJsonSchema(), null, 2) + '\n')
console.log(`wrote ${target}`)
