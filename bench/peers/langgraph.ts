// Peer: LangGraph.js (@langchain/langgraph with @langchain/langgraph-checkpoint-sqlite, pinned in
// package.json). A graph whose approval node calls interrupt(); every thread is one action and the
// SQLite checkpointer stores it. A proposal runs a new thread until the interrupt; a decision
// resumes it with Command({ resume }) (the graph's only way to record one: the tool node and the
// fake model run to the end); restore reads every thread's state back with getState.
// Modes: `synchronous=FULL` (every commit fsync'd: durable), and as shipped (the saver sets WAL;
// better-sqlite3 is built with SQLITE_DEFAULT_WAL_SYNCHRONOUS=1, i.e. NORMAL: a commit survives a
// crash of the process but not of the machine: not durable).
import { AIMessage, ToolMessage } from '@langchain/core/messages'
import { Command, END, interrupt, MessagesAnnotation, START, StateGraph } from '@langchain/langgraph'
import { SqliteSaver } from '@langchain/langgraph-checkpoint-sqlite'

export type LangGraphMode = 'synchronous=FULL' | 'as shipped (WAL, NORMAL)'

/** The fake model: a tool call for the request, a sentence once the tool answered. */
function fakeModel(state: typeof MessagesAnnotation.State) {
  const last = state.messages.at(-1)
  if (last instanceof ToolMessage) return { messages: [new AIMessage('The deal is now in negotiation.')] }
  return {
    messages: [
      new AIMessage({
        content: '',
        tool_calls: [{ id: `call_${crypto.randomUUID()}`, name: 'update_record', args: { type: 'deal', id: 'deal-1', fields: { stage: 'negotiation', amount: 12_500 } } }]
      })
    ]
  }
}

function approvalNode(state: typeof MessagesAnnotation.State) {
  const call = (state.messages.at(-1) as AIMessage).tool_calls![0]
  const decision = interrupt({ card: { summary: 'Change Deal deal-1: stage to negotiation, amount to 12,500.' }, call }) as 'approve' | 'decline'
  const content = decision === 'approve' ? 'Updated deal-1' : 'The user declined.'
  return { messages: [new ToolMessage({ tool_call_id: call.id!, content })] }
}

export class LangGraphPeer {
  readonly db: SqliteSaver['db']
  private readonly graph
  private readonly saver: SqliteSaver

  constructor(file: string, readonly mode: LangGraphMode) {
    // better-sqlite3 underneath, opened by the saver as its users do.
    this.saver = SqliteSaver.fromConnString(file)
    this.db = this.saver.db
    this.graph = new StateGraph(MessagesAnnotation)
      .addNode('agent', fakeModel)
      .addNode('approval', approvalNode)
      .addEdge(START, 'agent')
      .addConditionalEdges('agent', (s) => ((s.messages.at(-1) as AIMessage).tool_calls?.length ? 'approval' : END))
      .addEdge('approval', 'agent')
      .compile({ checkpointer: this.saver })
  }

  /** After the saver's own setup (which switches to WAL), the mode's synchronous setting. */
  private configure(): void {
    if (this.mode === 'synchronous=FULL') this.db.pragma('synchronous = FULL')
  }

  async propose(): Promise<string> {
    const thread = crypto.randomUUID()
    const out = await this.graph.invoke({ messages: [{ role: 'user', content: 'Move the deal Spring dock hardware order to negotiation' }] }, { configurable: { thread_id: thread } })
    if (!('__interrupt__' in out)) throw new Error('expected an interrupt')
    return thread
  }

  async decide(thread: string): Promise<void> {
    await this.graph.invoke(new Command({ resume: 'approve' }), { configurable: { thread_id: thread } })
  }

  /** Start-up: every thread's state, with its pending interrupts. */
  async restoreAll(): Promise<{ runs: number; waiting: number }> {
    const threads = this.db.prepare('SELECT DISTINCT thread_id FROM checkpoints').pluck().all() as string[]
    let waiting = 0
    for (const thread of threads) {
      const state = await this.graph.getState({ configurable: { thread_id: thread } })
      waiting += state.tasks.reduce((n, t) => n + t.interrupts.length, 0)
    }
    return { runs: threads.length, waiting }
  }

  /** One real waiting thread, copied row by row to `count` threads (seeding only). */
  async seed(count: number): Promise<void> {
    const template = await this.propose()
    this.configure()
    const copy = this.db.transaction((n: number) => {
      const checkpoints = this.db.prepare('INSERT INTO checkpoints SELECT ?, checkpoint_ns, checkpoint_id, parent_checkpoint_id, type, checkpoint, metadata FROM checkpoints WHERE thread_id = ?')
      const writes = this.db.prepare('INSERT INTO writes SELECT ?, checkpoint_ns, checkpoint_id, task_id, idx, channel, type, value FROM writes WHERE thread_id = ?')
      for (let i = 1; i < n; i++) {
        const thread = crypto.randomUUID()
        checkpoints.run(thread, template)
        writes.run(thread, template)
      }
    })
    copy(count)
  }

  /** Applies the mode once the saver has set itself up (seed calls it; so does a first proposal). */
  ready(): void {
    this.configure()
  }

  close(): void {
    this.db.close()
  }
}
