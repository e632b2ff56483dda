// The results an action's tool call gets back, as structured data the model (and the demo
// assistant) reads by field, never by parsing a sentence. One place, so the live path and
// recovery after a crash say the same thing.
import type { ToolResultPart } from 'ai'
import type { ActionRecord } from '../actions/ledger'
import type { ToolStatus } from './conversation-updates'
import { toJsonValue } from './messages'

export interface ToolOutcome {
  output: ToolResultPart['output']
  status: ToolStatus
  text: string
}

export const toolResults = {
  done(result: { summary: string }): ToolOutcome {
    return { output: { type: 'json', value: toJsonValue({ status: 'done', ...result }) }, status: 'done', text: result.summary }
  },
  declined(userReason: string | null): ToolOutcome {
    return {
      output: {
        type: 'json',
        value: { status: 'declined', userReason, instruction: 'The user declined this action; it did not run. Do not propose the same action again.' }
      },
      status: 'declined',
      text: `Declined${userReason ? `: ${userReason}` : ''}`
    }
  },
  cancelled(): ToolOutcome {
    return {
      output: { type: 'json', value: { status: 'cancelled', userReason: null, instruction: 'The user stopped before deciding; the action was cancelled and did not run. Do not retry it unless asked.' } },
      status: 'cancelled',
      text: 'Cancelled'
    }
  },
  expired(): ToolOutcome {
    return {
      output: { type: 'json', value: { status: 'expired', instruction: 'The user did not decide in time: the action expired and did not run. Do not propose it again unless asked.' } },
      status: 'error',
      text: 'Expired without a decision; it did not run.'
    }
  },
  failed(message: string): ToolOutcome {
    return { output: { type: 'error-text', value: `The action did not run and nothing was changed: ${message}` }, status: 'error', text: message }
  },
  interrupted(): ToolOutcome {
    return {
      output: { type: 'error-text', value: 'Countersign closed before this call was handled. Nothing was proposed or done. Propose it again if it is still wanted.' },
      status: 'error',
      text: 'Interrupted before it was handled; nothing was done.'
    }
  },
  refused(message: string): ToolOutcome {
    return { output: { type: 'error-text', value: message }, status: 'error', text: message }
  }
}

/** The result a settled action gives its call. */
export function outcomeOf(action: ActionRecord): ToolOutcome {
  switch (action.state) {
    case 'succeeded':
      return toolResults.done({ summary: action.resultSummary ?? 'Done.' })
    case 'declined':
      return toolResults.declined(action.declineReason)
    case 'cancelled':
      return toolResults.cancelled()
    case 'expired':
      return toolResults.expired()
    default:
      return toolResults.failed(action.error ?? 'it was stopped.')
  }
}

/** When the person edited the proposal before deciding it, the model is told what they changed. */
export function withUserEdit(outcome: ToolOutcome, action: Pick<ActionRecord, 'userEdit'>): ToolOutcome {
  if (!action.userEdit) return outcome
  const note = `Before deciding, the user edited your proposal: ${action.userEdit}. What ran (or was declined) is the edited version.`
  const output = outcome.output
  if (output.type === 'json' && output.value && typeof output.value === 'object' && !Array.isArray(output.value)) {
    return { ...outcome, output: { type: 'json', value: { ...output.value, userEdited: note } } }
  }
  if (output.type === 'error-text') return { ...outcome, output: { type: 'error-text', value: `${output.value} ${note}` } }
  return outcome
}
