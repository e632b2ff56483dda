// The card must show exactly what will be sent. Text the model proposes is refused, before any
// card exists, when it holds characters that display as something other than what is stored:
// control characters (a CR/LF in a subject becomes a second mail header), bidirectional overrides
// and isolates (a card that reads "invoice.pdf" for "fdp.eciovni"), and invisible characters.
// Line breaks and tabs are allowed only in multi-line fields (an email's body).

const NAMES: Record<number, string> = {
  0x09: 'a tab',
  0x0a: 'a line break',
  0x0d: 'a carriage return',
  0x200b: 'a zero-width space',
  0x200c: 'a zero-width non-joiner',
  0x200d: 'a zero-width joiner',
  0x200e: 'a left-to-right mark',
  0x200f: 'a right-to-left mark',
  0x061c: 'an Arabic letter mark',
  0x2060: 'a word joiner',
  0xfeff: 'a zero-width no-break space',
  0x180e: 'a Mongolian vowel separator',
  0x00ad: 'a soft hyphen'
}

function describeChar(code: number): string {
  const hex = `U+${code.toString(16).toUpperCase().padStart(4, '0')}`
  if (NAMES[code]) return `${NAMES[code]} (${hex})`
  if ((code >= 0x202a && code <= 0x202e) || (code >= 0x2066 && code <= 0x2069)) return `a text-direction override (${hex})`
  return `a control character (${hex})`
}

/** Zero-width joiners are part of emoji sequences and of some scripts; allowed between two such characters. */
function joinerAllowed(text: string, index: number): boolean {
  const before = text.codePointAt(index - 1) ?? 0
  const after = text.codePointAt(index + 1) ?? 0
  return before > 0x7f && after > 0x7f && !/\s/u.test(String.fromCodePoint(before)) && !/\s/u.test(String.fromCodePoint(after))
}

function unsafeAt(text: string, index: number, multiline: boolean): number | null {
  const code = text.charCodeAt(index)
  if (code === 0x0a || code === 0x09) return multiline ? null : code
  if (code < 0x20 || (code >= 0x7f && code <= 0x9f)) return code
  if ((code >= 0x202a && code <= 0x202e) || (code >= 0x2066 && code <= 0x2069)) return code
  if (code === 0x200c || code === 0x200d) return joinerAllowed(text, index) ? null : code
  if (code === 0x200b || code === 0x200e || code === 0x200f || code === 0x061c || code === 0x2060 || code === 0xfeff || code === 0x180e || code === 0x00ad) return code
  if (code >= 0xfff9 && code <= 0xfffb) return code // interlinear annotation controls
  return null
}

/** The first problem in one text value, in words a person (and the model) can act on; null when it is safe. */
export function unsafeTextProblem(text: string, multiline: boolean): string | null {
  for (let i = 0; i < text.length; i++) {
    const code = unsafeAt(text, i, multiline)
    if (code !== null) return `contains ${describeChar(code)} at position ${i + 1}`
  }
  return null
}

/**
 * Walks every string in a tool's input (keys too) and returns the problems, each naming its field.
 * `multilineFields` are the top-level fields where line breaks and tabs are allowed.
 */
export function findUnsafeText(input: unknown, multilineFields: readonly string[] = []): string[] {
  const problems: string[] = []
  const walk = (value: unknown, path: string, multiline: boolean): void => {
    if (typeof value === 'string') {
      const problem = unsafeTextProblem(value, multiline)
      if (problem) problems.push(`${path || 'input'} ${problem}`)
    } else if (Array.isArray(value)) {
      value.forEach((v, i) => walk(v, `${path}[${i}]`, multiline))
    } else if (value && typeof value === 'object') {
      for (const [key, v] of Object.entries(value)) {
        const keyProblem = unsafeTextProblem(key, false)
        if (keyProblem) problems.push(`the field name "${key.replace(/[^\x20-\x7e]/g, '?')}" ${keyProblem}`)
        walk(v, path ? `${path}.${key}` : key, !path && multilineFields.includes(key))
      }
    }
  }
  walk(input, '', false)
  return problems
}

// One mailbox per recipient, as an RFC 5322 addr-spec in its dot-atom form: no display names,
// no lists ("a@x.com, b@y.com" is two recipients pretending to be one), no comments, no quotes.
// Letters of any script are allowed (RFC 6531 internationalised addresses).
const ATEXT = "[\\p{L}\\p{M}\\p{N}!#$%&'*+/=?^_`{|}~-]"
const DOT_ATOM = `${ATEXT}+(?:\\.${ATEXT}+)*`
const LABEL = '[\\p{L}\\p{N}](?:[\\p{L}\\p{M}\\p{N}-]{0,61}[\\p{L}\\p{M}\\p{N}])?'
const ADDR_SPEC = new RegExp(`^${DOT_ATOM}@${LABEL}(?:\\.${LABEL})+$`, 'u')

export function isSingleAddress(value: string): boolean {
  return value.length <= 254 && ADDR_SPEC.test(value) && value.split('@')[0].length <= 64
}
