// Which fields a write may set, checked in one place for every CRM: the abilities (before a card
// exists), the sample workspace and Tryton (again at execution) all call checkWritable.
import { CrmError, FIELDS, type CrmSchema, type FieldValue, type RecordType } from './types'

/** Fields of `type` this CRM can write. */
export function writableFields(schema: CrmSchema, type: RecordType): string[] {
  const unsupported = schema.unsupportedFields?.[type] ?? {}
  return Object.entries(FIELDS[type])
    .filter(([f, d]) => d.writable && !(f in unsupported))
    .map(([f]) => f)
}

/** Deal stages a write may set on this CRM. */
export function settableStages(schema: CrmSchema): string[] {
  return schema.dealStages.filter((s) => s.settable).map((s) => s.value)
}

/**
 * Refuses ('invalid', with what is allowed) a field the type lacks, a read-only or unsupported
 * field, an empty change, a stage this CRM does not have or cannot reach from `currentStage`.
 */
export function checkWritable(
  schema: CrmSchema,
  type: RecordType,
  fields: Record<string, FieldValue>,
  options: { currentStage?: FieldValue } = {}
): void {
  const allowed = writableFields(schema, type)
  const keys = Object.keys(fields)
  const unknown = keys.filter((f) => !(f in FIELDS[type]))
  const unsupported = schema.unsupportedFields?.[type] ?? {}
  const refused = keys.filter((f) => f in FIELDS[type] && !allowed.includes(f))
  if (unknown.length || refused.length) {
    const reasons = refused.map((f) => unsupported[f]).filter(Boolean)
    throw new CrmError(
      'invalid',
      `Cannot set ${[...unknown, ...refused].join(', ')} on a ${type}${reasons.length ? ` (${reasons.join(' ')})` : ''}. ` +
        `Fields that can be set: ${allowed.join(', ') || 'none'}.`
    )
  }
  if (keys.length === 0) throw new CrmError('invalid', 'No fields to change were given.')
  if (type === 'deal' && fields.stage !== undefined && fields.stage !== null) checkStage(schema, String(fields.stage), options.currentStage)
}

function checkStage(schema: CrmSchema, wanted: string, current: FieldValue | undefined): void {
  const stage = schema.dealStages.find((s) => s.value === wanted.trim().toLowerCase())
  const settable = settableStages(schema)
  if (!stage) throw new CrmError('invalid', `${schema.name} has no deal stage "${wanted}". Stages a deal can be moved to: ${settable.join(', ')}.`)
  const from = current === undefined || current === null ? null : String(current)
  if (from === stage.value) return
  if (!stage.settable) throw new CrmError('invalid', `${schema.name} sets the stage "${stage.value}" itself. Stages a deal can be moved to: ${settable.join(', ')}.`)
  const moves = from === null ? undefined : schema.stageMoves?.[from]
  if (moves && !moves.includes(stage.value)) {
    throw new CrmError(
      'invalid',
      `In ${schema.name} a deal in stage "${from}" cannot move to "${stage.value}". It can move to: ${moves.join(', ') || 'no other stage'}.`
    )
  }
}
