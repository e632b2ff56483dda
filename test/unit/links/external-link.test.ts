import { describe, expect, it, vi } from 'vitest'
import { checkExternalUrl, openExternalLink } from '../../../src/main/links/external-link'

describe('external links', () => {
  it('opens a checked https address with the system opener', async () => {
    const open = vi.fn(async () => {})
    await expect(openExternalLink('https://example.com/a?b=1', open)).resolves.toEqual({ outcome: 'opened' })
    expect(open).toHaveBeenCalledWith('https://example.com/a?b=1')
  })

  it('without a system opener (headless host) hands the checked address back to the browser tab', async () => {
    await expect(openExternalLink(' https://docs.example.org/x ')).resolves.toEqual({ outcome: 'open_in_browser', url: 'https://docs.example.org/x' })
  })

  const hostile: Array<[string, RegExp]> = [
    ['http://example.com/', /https/],
    ['javascript:alert(1)', /https/],
    ['file:///etc/passwd', /https/],
    ['data:text/html,<script>x</script>', /https/],
    ['https://user:secret@example.com/', /password/],
    ['https://exa\u202emple.com/', /hidden characters/],
    ['https://example.com/\u200bpay', /hidden characters/],
    ['https://intranet/', /web site/],
    ['not a url', /not a web address/]
  ]
  for (const [url, reason] of hostile) {
    it(`refuses ${JSON.stringify(url)} and never calls the opener`, async () => {
      const open = vi.fn(async () => {})
      const result = await openExternalLink(url, open)
      expect(result.outcome).toBe('refused')
      expect(result.outcome === 'refused' && result.reason).toMatch(reason)
      expect(open).not.toHaveBeenCalled()
    })
  }

  it('an opener that fails is reported in plain words', async () => {
    const result = await openExternalLink('https://example.com/', async () => {
      throw new Error('spawn xdg-open ENOENT')
    })
    expect(result).toEqual({ outcome: 'refused', reason: 'Your system could not open this link.' })
  })

  it('normalises what it opens (the address checked is the address opened)', () => {
    expect(checkExternalUrl('https://EXAMPLE.com')).toEqual({ ok: true, url: 'https://example.com/' })
  })
})
