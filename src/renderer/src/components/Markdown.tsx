import { memo } from 'react'
import Markdown, { type Components } from 'react-markdown'
import remarkGfm from 'remark-gfm'

// GitHub-flavoured markdown (tables, strikethrough, task lists) because answers list records
// in tables. Assistant text is untrusted: no raw HTML (skipHtml, and no rehype-raw), links shown as text
// with their address instead of navigating, images never fetched.
const components: Components = {
  a: ({ children, href }) => (
    <span className="md-link">
      {children}
      {href && String(children) !== href ? <span className="md-link__url"> ({href})</span> : null}
    </span>
  ),
  img: ({ alt, src }) => (
    <span className="md-image">
      [image{alt ? `: ${alt}` : ''}]{typeof src === 'string' && src ? ` (${src})` : ''}
    </span>
  )
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
