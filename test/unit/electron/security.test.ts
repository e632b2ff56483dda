// Who may talk to main: only our window's main frame, from our own origin (Electron security
// checklist #17). `electron` is mocked: it cannot be required on this machine.
import { describe, expect, it, vi } from 'vitest'

vi.mock('electron', () => ({}))

import { appOrigin, isOwnUrl, isTrustedSender } from '../../../src/main/electron/security'

type Frame = { url: string }
function fakeWindow(url: string) {
  const mainFrame: Frame = { url }
  const webContents = { mainFrame, id: 1 }
  return { webContents: webContents as never as import('electron').WebContents, mainFrame }
}
function event(sender: unknown, senderFrame: unknown) {
  return { sender, senderFrame } as never as Parameters<typeof isTrustedSender>[0]
}

const APP_URL = 'app://countersign/index.html'
const DEV_URL = 'http://localhost:5173/'

describe('appOrigin', () => {
  it('is the origin for http(s)', () => {
    expect(appOrigin('http://localhost:5173/some/path?x=1#y')).toBe('http://localhost:5173')
  })
  it('is scheme and host for our app:// scheme (whose URL.origin is the opaque "null")', () => {
    expect(appOrigin(`${APP_URL}?x=1#/inbox`)).toBe('app://countersign')
    expect(new URL(APP_URL).origin).toBe('null') // why it is built by hand
  })
  it.each(['file:///opt/Countersign/out/renderer/index.html', 'data:text/html,x', 'about:blank', 'javascript:alert(1)', 'app:countersign'])(
    'throws for %s, which has no host to compare',
    (url) => {
      expect(() => appOrigin(url)).toThrow()
    }
  )
  it('throws on something that is not a URL', () => {
    expect(() => appOrigin('not a url')).toThrow()
  })
})

describe.each([
  ['packaged (app:)', APP_URL],
  ['development (http:)', DEV_URL]
])('isTrustedSender, %s', (_label, url) => {
  const expected = appOrigin(url)

  it('accepts our window’s main frame at our origin', () => {
    const win = fakeWindow(url)
    expect(isTrustedSender(event(win.webContents, win.mainFrame), win, expected)).toBe(true)
  })

  it('accepts our main frame after an in-page route change (hash/query)', () => {
    const win = fakeWindow(`${url}#/inbox`)
    expect(isTrustedSender(event(win.webContents, win.mainFrame), win, expected)).toBe(true)
  })

  it('refuses another webContents, even one showing the same page', () => {
    const win = fakeWindow(url)
    const other = fakeWindow(url)
    expect(isTrustedSender(event(other.webContents, other.mainFrame), win, expected)).toBe(false)
    // Our frame object but another sender: still refused.
    expect(isTrustedSender(event(other.webContents, win.mainFrame), win, expected)).toBe(false)
  })

  it('refuses a subframe of our own window, even at our origin', () => {
    const win = fakeWindow(url)
    const subframe: Frame = { url }
    expect(isTrustedSender(event(win.webContents, subframe), win, expected)).toBe(false)
  })

  it('refuses a null or missing frame (e.g. a frame that navigated away or was destroyed)', () => {
    const win = fakeWindow(url)
    expect(isTrustedSender(event(win.webContents, null), win, expected)).toBe(false)
    expect(isTrustedSender(event(win.webContents, undefined), win, expected)).toBe(false)
  })

  it('refuses when there is no window', () => {
    const win = fakeWindow(url)
    expect(isTrustedSender(event(win.webContents, win.mainFrame), null, expected)).toBe(false)
  })

  it.each([
    'https://evil.example.com/',
    'http://localhost:5174/',
    'https://localhost:5173/',
    'http://localhost:5173.evil.com/',
    'file:///tmp/evil/index.html',
    'file:///opt/Countersign/resources/app/out/renderer/index.html',
    'app://countersign.evil.com/index.html',
    'app://evil/index.html',
    'app://countersign:1/index.html',
    'apps://countersign/index.html',
    'countersign://app/index.html',
    'data:text/html,<script>1</script>',
    'about:blank',
    'not a url'
  ])('refuses our main frame when it shows %s', (frameUrl) => {
    const win = fakeWindow(url)
    win.mainFrame.url = frameUrl
    expect(isTrustedSender(event(win.webContents, win.mainFrame), win, expected)).toBe(false)
  })
})

describe('isOwnUrl', () => {
  it('accepts our page and refuses anything else', () => {
    const expected = appOrigin(DEV_URL)
    expect(isOwnUrl('http://localhost:5173/#/x', expected)).toBe(true)
    expect(isOwnUrl('https://example.com/', expected)).toBe(false)
    expect(isOwnUrl('javascript:alert(1)', expected)).toBe(false)
    expect(isOwnUrl('::::', expected)).toBe(false)
  })
})
