// Ledger data that could not be read, said in plain words: which approvals, in which conversation,
// and that they will not run. Never an absolute path.
import type { LedgerDamage } from './ledger'

export function describeLedgerDamage(damage: LedgerDamage, titleOf: (conversationId: string) => string | null): string {
  if (damage.lost === 'unknown') {
    return `A file of saved approvals could not be read and was set aside (${damage.keptAs}). Approvals that were waiting in it are not shown and will not run; ask the assistant again if they are still wanted.`
  }
  const items = damage.lost.map((a) => {
    const what = a.abilityTitle ? `"${a.abilityTitle}"` : 'an approval'
    const title = a.conversationId ? titleOf(a.conversationId) : null
    return title ? `${what} in the conversation "${title}"` : what
  })
  const n = items.length
  return `${n === 1 ? 'One saved approval' : `${n} saved approvals`} could not be read and ${n === 1 ? 'was' : 'were'} set aside (${damage.keptAs}); ${n === 1 ? 'it' : 'they'} will not run: ${items.join('; ')}.`
}
