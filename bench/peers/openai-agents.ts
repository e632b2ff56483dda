// Peer: OpenAI Agents JS (@openai/agents, pinned in package.json). A tool with `needsApproval`;
// the run stops on the approval, its RunState is serialised and written to a file per run; a
// decision approves the interruption and writes the state again (the decision on disk, as
// Countersign's decide; resuming the run would come after); restore reads every file back with
// RunState.fromString.
// No network: a fake model answers from a script and tracing is off.
import { closeSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, writeFileSync, writeSync } from 'node:fs'
import { join } from 'node:path'
import { Agent, RunState, Runner, setTracingDisabled, tool, Usage, type Model, type ModelRequest, type ModelResponse } from '@openai/agents'
import { z } from 'zod'

setTracingDisabled(true)

/** Calls the tool on the first turn, answers in words once the tool has a result. */
class FakeModel implements Model {
  async getResponse(request: ModelRequest): Promise<ModelResponse> {
    const input = Array.isArray(request.input) ? request.input : []
    const hasResult = input.some((item) => (item as { type?: string }).type === 'function_call_result')
    const usage = new Usage({ requests: 1, inputTokens: 10, outputTokens: 5, totalTokens: 15 })
    if (hasResult) {
      return { usage, output: [{ type: 'message', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: 'The deal is now in negotiation.' }] }] }
    }
    return {
      usage,
      output: [{ type: 'function_call', callId: `call_${crypto.randomUUID()}`, name: 'update_record', status: 'completed', arguments: JSON.stringify({ type: 'deal', id: 'deal-1', fields: { stage: 'negotiation', amount: 12_500 } }) }]
    }
  }

  // eslint-disable-next-line require-yield
  async *getStreamedResponse(): AsyncIterable<never> {
    throw new Error('not used')
  }
}

export type OpenAiMode = 'atomic+fsync' | 'writeFile'

export class OpenAiAgentsPeer {
  private readonly agent: Agent
  private readonly runner: Runner
  private readonly dir: string
  /** States of runs proposed by this process, as an app would hold them until decided. */
  private readonly live = new Map<string, RunState<undefined, Agent>>()

  constructor(dir: string, readonly mode: OpenAiMode) {
    this.dir = dir
    mkdirSync(dir, { recursive: true })
    const updateRecord = tool({
      name: 'update_record',
      description: 'Change fields of a CRM record.',
      parameters: z.object({ type: z.string(), id: z.string(), fields: z.record(z.string(), z.union([z.string(), z.number()])) }),
      needsApproval: true,
      execute: async ({ id }) => `Updated ${id}`
    })
    this.agent = new Agent({ name: 'crm', instructions: 'Update CRM records when asked.', tools: [updateRecord], model: new FakeModel() })
    this.runner = new Runner({ tracingDisabled: true })
  }

  /** The user's message runs until the approval interruption; the state is written. */
  async propose(): Promise<string> {
    const result = await this.runner.run(this.agent, 'Move the deal Spring dock hardware order to negotiation')
    if (result.interruptions.length !== 1) throw new Error('expected one approval interruption')
    const id = crypto.randomUUID()
    this.write(id, result.state.toString())
    this.live.set(id, result.state)
    return id
  }

  /** Approve the waiting call and write the state: the decision is on disk. */
  async decide(id: string): Promise<void> {
    const state = this.live.get(id) ?? (await RunState.fromString(this.agent, readFileSync(this.path(id), 'utf8')))
    for (const interruption of state.getInterruptions()) state.approve(interruption)
    this.write(id, state.toString())
    this.live.delete(id)
  }

  /** After a decision: the run resumes, the tool runs, the fake model answers (not timed). */
  async resume(id: string): Promise<string> {
    const state = await RunState.fromString(this.agent, readFileSync(this.path(id), 'utf8'))
    const result = await this.runner.run(this.agent, state)
    return String(result.finalOutput)
  }

  /** Start-up: every stored run back in memory, with its pending approvals. */
  async restoreAll(): Promise<{ runs: number; waiting: number }> {
    let waiting = 0
    const files = readdirSync(this.dir).filter((f) => f.endsWith('.json'))
    for (const f of files) {
      const state = await RunState.fromString(this.agent, readFileSync(join(this.dir, f), 'utf8'))
      waiting += state.getInterruptions().length
    }
    return { runs: files.length, waiting }
  }

  /** Copies of one real waiting state, for seeding large stores quickly (plain writes). */
  async seed(count: number): Promise<void> {
    const result = await this.runner.run(this.agent, 'Move the deal Spring dock hardware order to negotiation')
    const text = result.state.toString()
    for (let i = 0; i < count; i++) writeFileSync(this.path(crypto.randomUUID()), text)
  }

  private write(id: string, text: string): void {
    if (this.mode === 'writeFile') {
      // What the examples do: not atomic, not fsync'd.
      writeFileSync(this.path(id), text)
      return
    }
    const tmp = `${this.path(id)}.tmp`
    const fd = openSync(tmp, 'w')
    writeSync(fd, text)
    fsyncSync(fd)
    closeSync(fd)
    renameSync(tmp, this.path(id))
  }

  private path(id: string): string {
    return join(this.dir, `${id}.json`)
  }
}
