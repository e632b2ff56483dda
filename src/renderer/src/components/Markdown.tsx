import { memo, useRef, useState, type ReactNode } from 'react'
import Markdown, { type Components } from 'react-markdown'
import remarkGfm from 'remark-gfm'
import { CopyButton } from './CopyButton'
import { LinkDialog } from './LinkDialog'

// GitHub-flavoured markdown (tables, strikethrough, task lists) because answers list records
// in tables. Assistant text is untrusted: no raw HTML (skipHtml, and no rehype-raw), images never
// fetched, and links never navigate: each shows its address and opens only through LinkDialog.
const components: Components = {
  a: ({ children, href }) => <AnswerLink href={href ?? ''}>{children}</AnswerLink>,
  img: ({ alt, src }) => (
    <span className="md-image">
      [image{alt ? `: ${alt}` : ''}]{typeof src === 'string' && src ? ` (${src})` : ''}
    </span>
  ),
  pre: ({ children }) => <CodeBlock>{children}</CodeBlock>
}

function AnswerLink({ href, children }: { href: string; children: ReactNode }) {
  const [open, setOpen] = useState(false)
  const text = textOf(children)
  return (
    <>
      <button type="button" className="md-link" data-testid="answer-link" onClick={() => setOpen(true)}>
        {children}
        {href && text !== href ? <span className="md-link__url"> ({href})</span> : null}
      </button>
      {open && <LinkDialog href={href} text={text} onClose={() => setOpen(false)} />}
    </>
  )
}

function CodeBlock({ children }: { children: ReactNode }) {
  const ref = useRef<HTMLPreElement>(null)
  return (
    <div className="code-block">
      <CopyButton text={() => ref.current?.textContent ?? ''} what="code" />
      <pre ref={ref} tabIndex={0}>
        {children}
      </pre>
    </div>
  )
}

function textOf(node: ReactNode): string {
  if (typeof node === 'string' || typeof node === 'number') return String(node)
  if (Array.isArray(node)) return node.map(textOf).join('')
  if (node && typeof node === 'object' && 'props' in node) return textOf((node.props as { children?: ReactNode }).children)
  return ''
}

export const SafeMarkdown = memo(function SafeMarkdown({ text }: { text: string }) {
  return (
    <div className="markdown">
      <Markdown skipHtml remarkPlugins={[remarkGfm]} components={components}>
        {text}
      </Markdown>
    </div>
  )
})
