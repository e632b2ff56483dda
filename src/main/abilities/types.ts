// An ability is one thing the assistant can do: its name and title, whether it reads or writes,
// the schema of its input, how it describes itself on an approval card, and how it runs.
import type { z } from 'zod'
import type { ActionCard } from '../../shared/domain'
import type { CrmSession, WriteResult } from '../crm/types'

export interface AbilityContext {
  session: CrmSession
  now: Date
}

interface AbilityBase<I> {
  name: string
  title: string
  /** Told to the model: what the ability does and when to use it. */
  description: string
  /** Told to people (Settings): what it does, in plain words. */
  summary: string
  inputSchema: z.ZodType<I>
  /** Top-level input fields that may hold line breaks (an email's body); every other text is one line. */
  multilineFields?: readonly string[]
}

export interface ReadAbility<I = unknown> extends AbilityBase<I> {
  effect: 'read'
  /** Returns data for the model and a one-line summary for the conversation. */
  run(ctx: AbilityContext, input: I): Promise<{ data: unknown; summary: string }>
}

export interface WriteProposal {
  card: ActionCard
  /** The version of the record the card was built from; null when no record exists yet. */
  recordVersion: string | null
}

export interface WriteAbility<I = unknown> extends AbilityBase<I> {
  effect: 'write'
  /** Builds the approval card from real, current data. Run at proposal and again at execution. */
  describe(ctx: AbilityContext, input: I): Promise<WriteProposal>
  /**
   * Carries out exactly what the approved card shows: `binding.card` is that card, and values the
   * effect uses that were resolved for it (recipients) are taken from it, not looked up again.
   */
  execute(ctx: AbilityContext, input: I, binding: { idempotencyKey: string; recordVersion: string | null; card: ActionCard }): Promise<WriteResult>
}

export type Ability<I = unknown> = ReadAbility<I> | WriteAbility<I>
