// The local log: details of unexpected errors, for support, in the user's data folder (0600).
// People see a plain sentence; the stack goes here. Secrets never do: values that look like keys
// or tokens are masked before a line is written.
import { appendFileSync, mkdirSync, renameSync, statSync } from 'node:fs'
import { dirname } from 'node:path'

const MAX_BYTES = 2_000_000

const SECRET_PATTERNS: RegExp[] = [
  /\b(sk|pk|rk)-[A-Za-z0-9_-]{8,}/g, // provider API keys
  /\b(Bearer|Session|Basic)\s+[A-Za-z0-9._~+/=:-]{8,}/gi, // authorization headers
  /(password|passwd|api[_-]?key|token|secret)(["']?\s*[:=]\s*["']?)[^\s"',}]+/gi,
  /\/\/[^/\s:@]+:[^/\s@]+@/g // credentials in URLs
]

export function redact(text: string): string {
  return SECRET_PATTERNS.reduce((out, pattern) => out.replace(pattern, (match, a: string, b: string) => {
    if (match.startsWith('//')) return '//***@'
    if (typeof b === 'string' && /[:=]/.test(b)) return `${a}${b}***`
    return `${match.slice(0, 4)}***`
  }), text)
}

export class LocalLog {
  constructor(
    readonly file: string,
    private readonly clock: () => number = Date.now
  ) {}

  error(message: string, error?: unknown): void {
    const detail = error instanceof Error ? `${error.name}: ${error.message}\n${error.stack ?? ''}` : error === undefined ? '' : String(error)
    this.write(`${new Date(this.clock()).toISOString()} ERROR ${message}${detail ? `\n  ${detail.replace(/\n/g, '\n  ')}` : ''}\n`)
  }

  private write(line: string): void {
    try {
      mkdirSync(dirname(this.file), { recursive: true, mode: 0o700 })
      try {
        if (statSync(this.file).size > MAX_BYTES) renameSync(this.file, `${this.file}.1`)
      } catch {
        // no log yet
      }
      appendFileSync(this.file, redact(line), { mode: 0o600 })
    } catch {
      // The log is best effort: failing to write it must never fail what the user asked for.
    }
  }
}
