// Append-only audit trail: every decision and execution, who, when, what (hash), provider and
// model, outcome. One JSON object per line, fsync'd, in the user's data folder. Never secrets.
import { appendFileSync, closeSync, existsSync, fstatSync, fsyncSync, mkdirSync, openSync, readFileSync, readSync, writeSync } from 'node:fs'
import { dirname } from 'node:path'

export interface AuditEvent {
  at: number
  event: 'proposed' | 'decided' | 'executed' | 'reconciled' | 'settled' | 'expired' | 'superseded' | 'cancelled' | 'refused'
  actionId: string
  ability: string
  hash: string
  userId: string
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

  read(): AuditEvent[] {
    if (!existsSync(this.file)) return []
    return readFileSync(this.file, 'utf8')
      .split('\n')
      .filter(Boolean)
      .flatMap((line) => {
        try {
          return [JSON.parse(line) as AuditEvent]
        } catch {
          return [] // a torn last line after a crash is skipped, never fatal
        }
      })
  }
}
