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
  execute(ctx: AbilityContext, input: I, binding: { idempotencyKey: string; recordVersion: string | null }): Promise<WriteResult>
}

export type Ability<I = unknown> = ReadAbility<I> | WriteAbility<I>
