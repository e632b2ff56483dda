// Append-only audit trail: every decision and execution, who, when, what (hash), provider and
// model, outcome. One JSON object per line, fsync'd, in the user's data folder. Never secrets.
import { appendFileSync, closeSync, fsyncSync, mkdirSync, openSync, readFileSync, existsSync } from 'node:fs'
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
    mkdirSync(dirname(file), { recursive: true })
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
