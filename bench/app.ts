// End to end through the real app core (createApp) with the sample workspace and the offline demo
// assistant, as test/support/test-app.ts builds it: "user message → card on disk" and
// "approve → CRM write applied", one long conversation, counting durable conversation writes.
// The app runs in a process of its own, as it does on a desktop (AppBenchProcess): the benchmark's
// own heap (ten thousand seeded actions, two peers' libraries) would otherwise slow its collector.
import { fork, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { createDemoModel } from '../src/main/providers/demo'
import { openTestApp, tempDir } from '../test/support/test-app'
import { timeAsync } from './lib'

const STAGES = ['prospecting', 'qualification', 'proposal', 'negotiation']
const cpuMs = (used: NodeJS.CpuUsage) => (used.user + used.system) / 1000
const nextTurn = () => new Promise((resolve) => setImmediate(resolve))

export type AppSample = Awaited<ReturnType<AppBench['sample']>>

export class AppBench {
  private constructor(
    private readonly t: Awaited<ReturnType<typeof openTestApp>>,
    private readonly conversationId: string,
    private readonly dir: { remove(): void }
  ) {}

  private round = 0

  static async open(): Promise<AppBench> {
    const dir = tempDir('countersign-bench-app-')
    const t = await openTestApp(dir.path, { model: () => createDemoModel() })
    await t.signIn('maria')
    const conversation = await t.h['conversations.create']({})
    await nextTurn()
    return new AppBench(t, conversation.id, dir)
  }

  /** One message that ends on a card, then its approval until the CRM write is applied. */
  async sample(): Promise<{ toCard: number; toApplied: number; conversationWrites: number; cardCpu: number; appliedCpu: number }> {
    const { t, conversationId } = this
    let cpu = process.cpuUsage()
    const writes = t.app.conversations.durableWrites
    const stage = STAGES[this.round++ % STAGES.length]
    let actionId = ''
    let hash = ''
    const toCard = await timeAsync(async () => {
      const waiting = new Promise<void>((resolve) => {
        const stop = t.app.events.subscribe((name, payload) => {
          if (name === 'action.changed' && (payload as { state: string }).state === 'pending') {
            ;({ id: actionId, hash } = payload as { id: string; hash: string })
          }
          if (name === 'conversation.changed' && (payload as { status: string }).status === 'waiting' && actionId) {
            stop()
            resolve()
          }
        })
      })
      await t.h['conversations.send']({ conversationId, text: `Move the deal Spring dock hardware order to ${stage}` })
      await waiting
      // The conversation's commit is queued in the turn that set it waiting: it has run after this.
      await nextTurn()
    })
    const conversationWrites = t.app.conversations.durableWrites - writes
    const cardCpu = cpuMs(process.cpuUsage(cpu))
    cpu = process.cpuUsage()
    const toApplied = await timeAsync(async () => {
      const applied = new Promise<void>((resolve) => {
        const stop = t.app.events.subscribe((name, payload) => {
          // `succeeded` is announced once it is on disk, after the sample workspace saved the write.
          if (name === 'action.changed' && (payload as { id: string; state: string }).id === actionId && (payload as { state: string }).state === 'succeeded') {
            stop()
            resolve()
          }
        })
      })
      await t.h['actions.decide']({ actionId, hash, decision: 'approve' })
      await applied
    })
    const appliedCpu = cpuMs(process.cpuUsage(cpu))
    const applied = await t.admin.effectCount(actionId)
    if (applied !== 1) throw new Error(`the approved write was applied ${applied} times`)
    await t.app.assistant.idle()
    await nextTurn()
    return { toCard, toApplied, conversationWrites, cardCpu, appliedCpu }
  }

  async close(): Promise<void> {
    await this.t.close()
    this.dir.remove()
  }
}

type Request = { samples: number } | { close: true }

/** The app bench in a child process; each batch is asked for from the benchmark's rounds. */
export class AppBenchProcess {
  private constructor(private readonly child: ChildProcess) {}

  static async open(): Promise<AppBenchProcess> {
    const child = fork(fileURLToPath(import.meta.url), ['--child'], {
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc']
    })
    const bench = new AppBenchProcess(child)
    await bench.ask({ samples: 0 })
    return bench
  }

  /**
   * `n` samples in a row. No forced collection first: V8 answers one by throwing away compiled
   * code, and the next messages would pay to compile it again, which a running app does not.
   */
  async samples(n: number): Promise<AppSample[]> {
    return (await this.ask({ samples: n })) as AppSample[]
  }

  async close(): Promise<void> {
    await this.ask({ close: true })
  }

  private ask(request: Request): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const onExit = (code: number | null) => reject(new Error(`the app bench process stopped (exit ${code})`))
      this.child.once('exit', onExit)
      this.child.once('message', (reply: { ok: unknown } | { error: string }) => {
        this.child.off('exit', onExit)
        if ('error' in reply) reject(new Error(reply.error))
        else resolve(reply.ok)
      })
      this.child.send(request)
    })
  }
}

if (process.argv.includes('--child') && process.send) {
  const bench = await AppBench.open()
  process.on('message', (request: Request) => {
    void (async () => {
      try {
        if ('close' in request) {
          await bench.close()
          process.send!({ ok: null }, () => process.exit(0))
          return
        }
        const out: AppSample[] = []
        for (let i = 0; i < request.samples; i++) out.push(await bench.sample())
        process.send!({ ok: out })
      } catch (error) {
        process.send!({ error: error instanceof Error ? (error.stack ?? error.message) : String(error) })
      }
    })()
  })
}
