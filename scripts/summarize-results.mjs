// Reads the JSON reports of every runner and prints the one closing line CI reads:
// "N passed, N failed, N skipped". Exits non-zero when anything failed or a report is missing.
import { existsSync, readFileSync } from 'node:fs'

const [vitestFile, playwrightFile] = process.argv.slice(2)
let passed = 0
let failed = 0
let skipped = 0
const problems = []

if (existsSync(vitestFile)) {
  const report = JSON.parse(readFileSync(vitestFile, 'utf8'))
  passed += report.numPassedTests ?? 0
  failed += report.numFailedTests ?? 0
  skipped += (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0)
  // A file that failed to load has no tests counted: count it as a failure.
  for (const file of report.testResults ?? []) {
    if (file.status === 'failed' && (file.assertionResults ?? []).length === 0) failed += 1
  }
  console.log(`vitest: ${report.numPassedTests} passed, ${report.numFailedTests} failed, ${report.numPendingTests} skipped`)
} else problems.push(`no vitest report at ${vitestFile}`)

if (existsSync(playwrightFile)) {
  const report = JSON.parse(readFileSync(playwrightFile, 'utf8'))
  const s = report.stats ?? {}
  passed += (s.expected ?? 0) + (s.flaky ?? 0)
  failed += s.unexpected ?? 0
  skipped += s.skipped ?? 0
  if ((report.errors ?? []).length > 0) {
    failed += report.errors.length
    for (const e of report.errors) problems.push(`playwright: ${e.message?.split('\n')[0]}`)
  }
  console.log(`playwright: ${(s.expected ?? 0) + (s.flaky ?? 0)} passed, ${s.unexpected ?? 0} failed, ${s.skipped ?? 0} skipped`)
} else problems.push(`no Playwright report at ${playwrightFile}`)

for (const p of problems) console.log(p)
if (problems.some((p) => p.startsWith('no '))) failed += 1
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`)
process.exit(failed > 0 || passed === 0 ? 1 : 0)
