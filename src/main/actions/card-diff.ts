// What changed between the card a person saw and the card built from current data, in words:
// said on a superseded card, so the person knows why they are asked again.
import type { ActionCard } from '../../shared/domain'

export function describeCardChange(before: ActionCard, after: ActionCard): string {
  const changes: string[] = []
  const a = before.detail
  const b = after.detail
  if (a.kind === 'update' && b.kind === 'update') {
    for (const change of b.changes) {
      const old = a.changes.find((c) => c.field === change.field)
      if (old && old.before !== change.before) changes.push(`${change.label} is now ${change.before} (it was ${old.before} on the card you saw)`)
    }
  } else if (a.kind === 'message' && b.kind === 'message') {
    const shown = (r: { name: string; address: string }) => `${r.name} <${r.address}>`
    const was = a.to.map(shown)
    const now = b.to.map(shown)
    const gone = was.filter((r) => !now.includes(r))
    const added = now.filter((r) => !was.includes(r))
    if (gone.length || added.length) {
      changes.push(`the recipients changed${gone.length ? `: no longer ${gone.join(', ')}` : ''}${added.length ? `${gone.length ? ';' : ':'} now ${added.join(', ')}` : ''}`)
    }
    if (a.about?.label !== b.about?.label) changes.push(`the record it is about now reads ${b.about?.label ?? 'nothing'}`)
  } else if (a.kind === 'automation' && b.kind === 'automation') {
    if (a.description !== b.description) changes.push(`the automation now does: ${b.description}`)
  } else if (a.kind !== b.kind) {
    changes.push('what this would do is different now')
  }
  if (changes.length === 0 && before.summary !== after.summary) changes.push(`it now reads: ${after.summary}`)
  return changes.length
    ? `This changed after you saw the card: ${changes.join('; ')}. The approval no longer applies and nothing was done; check the new card.`
    : 'The record changed after this card was shown (someone else edited it), so this approval no longer applies and nothing was done. Check the new card.'
}
