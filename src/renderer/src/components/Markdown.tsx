import { memo } from 'react'
import Markdown, { type Components } from 'react-markdown'

// Assistant text is untrusted: no raw HTML (skipHtml, and no rehype-raw), links shown as text
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
      <Markdown skipHtml components={components}>
        {text}
      </Markdown>
    </div>
  )
})
