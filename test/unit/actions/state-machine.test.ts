// The action lifecycle (DESIGN.md, "Action lifecycle") as an exhaustive table: every (from, to)
// pair over every state. Exactly the listed moves pass; every other one throws.
import { describe, expect, it } from 'vitest'
import { actionStateSchema, type ActionState } from '../../../src/shared/domain'
import { ALL_STATES, IllegalTransitionError, assertTransition, canTransition } from '../../../src/main/actions/state-machine'

// DESIGN.md:
//   proposed ─allow→ executing
//   proposed ─ask──→ pending ─approve→ approved → executing → succeeded | failed | outcome_unknown
//                    pending ─→ declined | expired | superseded | cancelled
const DESIGN: ReadonlyArray<readonly [ActionState, ActionState]> = [
  ['proposed', 'executing'],
  ['proposed', 'pending'],
  ['pending', 'approved'],
  ['approved', 'executing'],
  ['executing', 'succeeded'],
  ['executing', 'failed'],
  ['executing', 'outcome_unknown'],
  ['pending', 'declined'],
  ['pending', 'expired'],
  ['pending', 'superseded'],
  ['pending', 'cancelled']
]

// Moves the rest of the design requires beyond the diagram, each with where it comes from:
const EXTENSIONS: ReadonlyArray<readonly [ActionState, ActionState, string]> = [
  // Issue 2 §7: an outcome_unknown action is settled by the user: "mark it done or run it again".
  ['outcome_unknown', 'succeeded', 'the user marks it done'],
  ['outcome_unknown', 'executing', 'the user runs it again'],
  // Invariant 6: a changed record voids the approval (re-checked at execution) → a new card.
  ['approved', 'superseded', 'the record changed after approval'],
  // Invariant 7: access and policy re-checked at execution; a refusal fails without running.
  ['approved', 'failed', 'a re-check at execution refused it'],
  // Invariant 6 again: the CRM refused the write with a version conflict, so nothing ran.
  ['executing', 'superseded', 'the CRM reported a version conflict']
]

const ALLOWED = new Set([...DESIGN, ...EXTENSIONS].map(([from, to]) => `${from}→${to}`))

const TERMINAL: ActionState[] = ['succeeded', 'failed', 'declined', 'expired', 'superseded', 'cancelled']

describe('action state machine', () => {
  it('knows every state of the shared schema, and nothing else', () => {
    expect([...ALL_STATES].sort()).toEqual([...actionStateSchema.options].sort())
    expect(ALL_STATES).toHaveLength(11)
  })

  const pairs = actionStateSchema.options.flatMap((from) => actionStateSchema.options.map((to) => [from, to] as const))

  it('covers all 121 pairs', () => {
    expect(pairs).toHaveLength(121)
  })

  describe.each(pairs)('%s → %s', (from, to) => {
    const allowed = ALLOWED.has(`${from}→${to}`)
    if (allowed) {
      it('is allowed', () => {
        expect(canTransition(from, to)).toBe(true)
        expect(() => assertTransition(from, to)).not.toThrow()
      })
    } else {
      it('throws IllegalTransitionError', () => {
        expect(canTransition(from, to)).toBe(false)
        let thrown: unknown
        try {
          assertTransition(from, to)
        } catch (e) {
          thrown = e
        }
        expect(thrown).toBeInstanceOf(IllegalTransitionError)
        const error = thrown as IllegalTransitionError
        expect(error.from).toBe(from)
        expect(error.to).toBe(to)
        expect(error.message).toContain(from)
        expect(error.message).toContain(to)
      })
    }
  })

  it('allows exactly the design set (no more, no fewer)', () => {
    const actual = pairs.filter(([f, t]) => canTransition(f, t)).map(([f, t]) => `${f}→${t}`)
    expect(new Set(actual)).toEqual(ALLOWED)
  })

  it.each(TERMINAL)('%s is terminal: it goes nowhere', (state) => {
    for (const to of actionStateSchema.options) expect(canTransition(state, to)).toBe(false)
  })

  it('no state moves to itself, and nothing re-enters proposed', () => {
    for (const s of actionStateSchema.options) {
      expect(canTransition(s, s)).toBe(false)
      expect(canTransition(s, 'proposed')).toBe(false)
    }
  })

  it('decline, expiry, supersession and cancellation never lead to execution (invariant 5)', () => {
    for (const s of ['declined', 'expired', 'superseded', 'cancelled'] as const) expect(canTransition(s, 'executing')).toBe(false)
  })

  it('only an approval (or proposed-with-allow, or the user running an unknown outcome again) reaches executing', () => {
    const into = actionStateSchema.options.filter((s) => canTransition(s, 'executing')).sort()
    expect(into).toEqual(['approved', 'outcome_unknown', 'proposed'])
    expect(canTransition('pending', 'executing')).toBe(false)
  })
})
