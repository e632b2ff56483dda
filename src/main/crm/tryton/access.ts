// Tryton's field access rules (ir.model.field.access), learned the first time Tryton refuses a
// field: a user who may not read a deal's amount still gets the deal, without its amount, and
// the record says which fields were hidden. Tryton does not publish field access over RPC, so
// each field of the type is probed once with an empty read (which checks access, reads nothing).
import type { RecordType } from '../types'
import { MODEL, READ_FIELDS, hiddenFields, readFields } from './mapping'
import { TrytonRefusal, type TrytonTransport } from './transport'

export class FieldAccess {
  /** Tryton field names (top level) this user may not read, per record type, once learned. */
  private readonly refused = new Map<RecordType, Set<string>>()

  constructor(private readonly transport: TrytonTransport) {}

  fields(type: RecordType): string[] {
    return readFields(type, this.refused.get(type) ?? new Set())
  }

  hidden(type: RecordType): string[] {
    return hiddenFields(type, this.refused.get(type) ?? new Set())
  }

  /** Tryton field names refused for `type` (empty until a refusal was seen). */
  refusedFields(type: RecordType): ReadonlySet<string> {
    return this.refused.get(type) ?? new Set()
  }

  /**
   * Runs `read` with the fields this user may read; when Tryton refuses one it has not refused
   * before, learns which and runs it once more without them.
   */
  async withFields<T>(type: RecordType, read: (fields: string[]) => Promise<T>): Promise<T> {
    try {
      return await read(this.fields(type))
    } catch (e) {
      if (!(e instanceof TrytonRefusal) || e.kind !== 'field') throw e
      const learned = await this.learn(type)
      if (!learned) throw e
      return read(this.fields(type))
    }
  }

  /** Probes each top-level field of the type; returns whether a new refused field was found. */
  private async learn(type: RecordType): Promise<boolean> {
    const known = this.refused.get(type) ?? new Set<string>()
    const names = [...new Set(READ_FIELDS[type].map((f) => f.split('.')[0]))].filter((f) => !known.has(f))
    const found = new Set(known)
    await Promise.all(
      names.map(async (name) => {
        try {
          await this.transport.read(MODEL[type], [], [name])
        } catch (e) {
          if (e instanceof TrytonRefusal && e.kind === 'field') found.add(name)
          else throw e
        }
      })
    )
    this.refused.set(type, found)
    return found.size > known.size
  }
}
