// Every tool call the model makes, valid or not, ends here: it gets a result at once (reads,
// refusals), or a ledger entry that waits for the user, or runs because policy allows it.
// Nothing reaches a card without passing the input's schema and the safe-text check first.
import type { Entry, SignedInUser } from '../../shared/domain'
import type { AbilityContext } from '../abilities/types'
import { recordsOfCard, recordsOfRead } from '../activity/records'
import { requestIdOf } from '../activity/request-id'
import { findUnsafeText } from '../abilities/safe-text'
import type { CrmSession } from '../crm/types'
import type { ActionRunner } from './action-runner'
import { describe, safeJson } from './action-runner'
import type { AssistantCore } from './core'
import type { ConversationUpdates } from './conversation-updates'
import type { Held } from './locks'
import { crmMessage, toJsonValue } from './messages'

export interface ToolCall {
  toolCallId: string
  toolName: string
  input: unknown
  invalid: boolean
}

export type Provenance = { provider: string; model: string }

export class ToolGate {
  constructor(
    private readonly core: AssistantCore,
    private readonly updates: ConversationUpdates,
    private readonly runner: ActionRunner
  ) {}

  private get deps() {
    return this.core.deps
  }

  /** Handles one call of the model's step. The caller holds the conversation's lock. */
  async handle(held: Held, conversationId: string, user: SignedInUser, session: CrmSession, call: ToolCall, provenance: Provenance): Promise<void> {
    this.core.locks.assertHeld(held, conversationId)
    const ability = this.deps.catalog.get(call.toolName)
    const entry: Entry = {
      kind: 'tool',
      id: `tool-${call.toolCallId}`,
      at: this.deps.clock(),
      toolCallId: call.toolCallId,
      ability: call.toolName,
      title: ability?.title ?? call.toolName,
      effect: ability?.effect ?? null,
      inputText: safeJson(call.input),
      status: 'running',
      resultText: null,
      actionId: null
    }
    this.updates.putEntry(conversationId, entry)

    const trail = {
      at: this.deps.clock(),
      event: 'tool' as const,
      principal: user.principal,
      conversationId,
      requestId: requestIdOf(this.deps.conversations.get(conversationId)!),
      toolCallId: call.toolCallId,
      ability: call.toolName,
      effect: ability?.effect ?? null
    }
    const refuse = (message: string) => {
      this.updates.recordResult(conversationId, call.toolCallId, { type: 'error-text', value: message }, 'error', message, { thenRunning: false })
      this.core.activity({ ...trail, outcome: 'refused', records: [], detail: message })
    }

    if (!ability) return refuse(`There is no tool named "${call.toolName}". Nothing was done. Use one of: ${this.deps.catalog.list().map((a) => a.name).join(', ')}.`)
    // A refusal by policy comes first: a call to an ability the administrator switched off is not
    // offered to the model, so the SDK marks it invalid; the reason that matters is the administrator's.
    const policy = this.deps.policyFor(ability.name, user)
    if (policy.decision === 'deny') return refuse(`Not allowed: ${policy.reason} Nothing was done.`)
    const parsed = ability.inputSchema.safeParse(call.input)
    if (!parsed.success || call.invalid) {
      const issues = parsed.success ? 'the arguments were not valid JSON' : parsed.error.issues.map((i) => `${i.path.join('.') || 'input'}: ${i.message}`).join('; ')
      return refuse(`Invalid input for ${ability.name}: ${issues}. Nothing was done.`)
    }
    const unsafe = findUnsafeText(parsed.data, ability.multilineFields ?? [])
    if (unsafe.length > 0) {
      return refuse(`Refused before showing a card, because the card could not show exactly what would be used: ${unsafe.join('; ')}. Nothing was done. Propose it again without those characters.`)
    }
    const ctx: AbilityContext = { session, now: new Date(this.deps.clock()) }
    if (ability.effect === 'read' && policy.decision === 'allow') {
      try {
        const { data, summary } = await ability.run(ctx, parsed.data)
        this.updates.recordResult(conversationId, call.toolCallId, { type: 'json', value: toJsonValue(data) }, 'done', summary, { thenRunning: false })
        const { records, more } = recordsOfRead(ability.name, data)
        this.core.activity({ ...trail, outcome: 'returned', records, ...(more ? { moreRecords: more } : {}), summary })
      } catch (e) {
        refuse(crmMessage(e, this.core))
      }
      return
    }

    let proposal
    try {
      proposal = await describe(ability, ctx, parsed.data)
    } catch (e) {
      return refuse(crmMessage(e, this.core))
    }
    const action = this.deps.ledger.propose(
      {
        conversationId,
        toolCallId: call.toolCallId,
        ability: ability.name,
        abilityTitle: ability.title,
        input: parsed.data,
        recordVersion: proposal.recordVersion,
        card: proposal.card,
        principal: user.principal,
        userName: user.name,
        ...provenance
      },
      policy.decision === 'allow' ? 'executing' : 'pending'
    )
    await this.deps.checkpoint?.('proposal-on-disk')
    this.core.audit(action, 'proposed', `${action.state}: ${policy.reason}`)
    this.core.activity({ ...trail, outcome: 'proposed', records: recordsOfCard(action.card), summary: action.card.summary, actionId: action.id })
    this.updates.putEntry(conversationId, { ...entry, status: action.state === 'pending' ? 'waiting' : 'running', actionId: action.id })
    if (action.state === 'pending') {
      this.deps.notifier.actionWaiting({ actionId: action.id, conversationId, title: `Approval needed: ${ability.title}`, body: proposal.card.summary })
      this.core.refreshBadge()
    } else {
      await this.runner.executeLocked(held, action.id, { continueAfter: false })
    }
  }
}
