// Append-only audit trail: every decision and execution, who, when, what (hash), provider and
// model, outcome. One JSON object per line, fsync'd, in the user's data folder. Never secrets.
import { appendFileSync, closeSync, existsSync, fstatSync, fsyncSync, mkdirSync, openSync, readFileSync, readSync, writeSync } from 'node:fs'
import { dirname } from 'node:path'
import type { ActionState } from '../../shared/domain'

export interface AuditEvent {
  at: number
  event: 'proposed' | 'decided' | 'executed' | 'reconciled' | 'settled' | 'expired' | 'superseded' | 'cancelled' | 'refused' | 'recovered'
  actionId: string
  ability: string
  hash: string
  /** Who: principalKey() of the person the action belongs to. */
  principal: string
  /** The state the action reached with this event, so start-up can find a transition with no line. */
  state?: ActionState
  provider: string
  model: string
  outcome: string
  detail?: string
}

export class AuditLog {
  constructor(private readonly file: string) {
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 })
    this.endTornLine()
  }

  /** A crash mid-append leaves a line without its newline; close it so the next event stands alone. */
  private endTornLine(): void {
    if (!existsSync(this.file)) return
    const fd = openSync(this.file, 'r+')
    try {
      const size = fstatSync(fd).size
      if (size === 0) return
      const last = Buffer.alloc(1)
      readSync(fd, last, 0, 1, size - 1)
      if (last[0] !== 0x0a) {
        writeSync(fd, '\n', size)
        fsyncSync(fd)
      }
    } finally {
      closeSync(fd)
    }
  }

  append(event: AuditEvent): void {
    const fd = openSync(this.file, 'a', 0o600)
    try {
      appendFileSync(fd, JSON.stringify(event) + '\n')
      fsyncSync(fd)
    } finally {
      closeSync(fd)
    }
  }

  /** The last `bytes` of the log, parsed; `complete` when that is the whole log. */
  readTail(bytes: number): { events: AuditEvent[]; complete: boolean } {
    if (!existsSync(this.file)) return { events: [], complete: true }
    const fd = openSync(this.file, 'r')
    try {
      const size = fstatSync(fd).size
      const start = Math.max(0, size - bytes)
      const buffer = Buffer.alloc(size - start)
      readSync(fd, buffer, 0, buffer.length, start)
      let text = buffer.toString('utf8')
      if (start > 0) text = text.slice(text.indexOf('\n') + 1) // the first line may be cut
      return { events: parseLines(text), complete: start === 0 }
    } finally {
      closeSync(fd)
    }
  }

  read(): AuditEvent[] {
    if (!existsSync(this.file)) return []
    return parseLines(readFileSync(this.file, 'utf8'))
  }
}

function parseLines(text: string): AuditEvent[] {
  return text
    .split('\n')
    .filter(Boolean)
    .flatMap((line) => {
      try {
        const event = JSON.parse(line) as AuditEvent & { userId?: string }
        // Lines written before identities were principals carry the bare CRM user id.
        if (event && typeof event === 'object' && event.principal === undefined && event.userId !== undefined) event.principal = `legacy:${event.userId}`
        return [event as AuditEvent]
      } catch {
        return [] // a torn last line after a crash is skipped, never fatal
      }
    })
}
