// The app:// scheme that serves the renderer: the right file with the right type, the CSP header
// on every response (errors too), and nothing outside the renderer folder, however the path is
// spelled. Real files in a temporary folder; `electron` is mocked (not needed by the handler).
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'

vi.mock('electron', () => ({}))

import { APP_URL, contentTypeOf, createAppProtocolHandler, resolveAppPath } from '../../../src/main/electron/protocol'
import { RENDERER_CSP } from '../../../src/shared/csp'

let base: string
let root: string
let handle: (request: Request) => Promise<Response>

beforeAll(() => {
  base = mkdtempSync(join(tmpdir(), 'countersign-protocol-'))
  root = join(base, 'renderer')
  mkdirSync(join(root, 'assets'), { recursive: true })
  writeFileSync(join(root, 'index.html'), '<!doctype html><title>Countersign</title>')
  writeFileSync(join(root, 'assets', 'index-abc.js'), 'console.log(1)')
  writeFileSync(join(root, 'assets', 'index-abc.css'), 'body{}')
  writeFileSync(join(root, 'assets', 'space name.svg'), '<svg/>')
  writeFileSync(join(base, 'secret.txt'), 'TOP SECRET')
  writeFileSync(join(base, 'renderer-evil.txt'), 'NEIGHBOUR')
  symlinkSync(join(base, 'secret.txt'), join(root, 'assets', 'link.txt'))
  handle = createAppProtocolHandler({ root, csp: RENDERER_CSP })
})
afterAll(() => rmSync(base, { recursive: true, force: true }))

const get = (url: string, method = 'GET') => handle(new Request(url, { method }))

describe('the app:// protocol handler', () => {
  it('serves index.html at the app URL and at the bare origin, as HTML with the CSP header', async () => {
    for (const url of [APP_URL, 'app://countersign/', 'app://countersign']) {
      const response = await get(url)
      expect(response.status).toBe(200)
      expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8')
      expect(response.headers.get('content-security-policy')).toBe(RENDERER_CSP)
      expect(response.headers.get('x-content-type-options')).toBe('nosniff')
      expect(await response.text()).toContain('<title>Countersign</title>')
    }
  })

  it('serves scripts, styles and images with their types; ignores query and hash', async () => {
    const js = await get('app://countersign/assets/index-abc.js?v=1#x')
    expect(js.status).toBe(200)
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8')
    expect(await js.text()).toBe('console.log(1)')
    expect((await get('app://countersign/assets/index-abc.css')).headers.get('content-type')).toBe('text/css; charset=utf-8')
    const svg = await get('app://countersign/assets/space%20name.svg')
    expect(svg.status).toBe(200)
    expect(svg.headers.get('content-type')).toBe('image/svg+xml')
  })

  it('answers HEAD without a body, and refuses other methods', async () => {
    const head = await get(APP_URL, 'HEAD')
    expect(head.status).toBe(200)
    expect(await head.text()).toBe('')
    const post = await get(APP_URL, 'POST')
    expect(post.status).toBe(405)
    expect(post.headers.get('content-security-policy')).toBe(RENDERER_CSP)
  })

  it('a missing file is a 404 that still carries the CSP, and says nothing about paths', async () => {
    const response = await get('app://countersign/assets/nope.js')
    expect(response.status).toBe(404)
    expect(response.headers.get('content-security-policy')).toBe(RENDERER_CSP)
    const text = await response.text()
    expect(text).toBe('Not found.')
    expect(text).not.toContain(root)
    expect((await get('app://countersign/assets')).status).toBe(404) // a folder is not a file
  })

  // Dot segments are removed by the URL parser (Chromium's as Node's) before the handler sees
  // them, so these arrive as paths inside the folder that name no file.
  it.each([
    'app://countersign/../secret.txt',
    'app://countersign/assets/../../secret.txt',
    'app://countersign/%2e%2e/secret.txt',
    'app://countersign/%2E%2E/%2E%2E/secret.txt',
    'app://countersign/../renderer-evil.txt'
  ])('%s never reaches a file outside the folder', async (url) => {
    const response = await get(url)
    expect([403, 404]).toContain(response.status)
    expect(response.headers.get('content-security-policy')).toBe(RENDERER_CSP)
    const text = await response.text()
    expect(text).not.toContain('SECRET')
    expect(text).not.toContain('NEIGHBOUR')
  })

  it.each([
    'app://countersign/..%2fsecret.txt',
    'app://countersign/..%2Fsecret.txt',
    'app://countersign/..%5csecret.txt',
    'app://countersign/assets\\..\\..\\secret.txt',
    'app://countersign/%00index.html',
    'app://countersign/index.html%00.js',
    'app://countersign/%2fetc%2fpasswd',
    'app://countersign/C:%5cWindows%5cwin.ini',
    'app://countersign/%E0%A4%A'
  ])('refuses %s with 403 and the CSP header, and leaks nothing', async (url) => {
    const response = await get(url)
    expect(response.status).toBe(403)
    expect(response.headers.get('content-security-policy')).toBe(RENDERER_CSP)
    const text = await response.text()
    expect(text).not.toContain('SECRET')
    expect(text).not.toContain('NEIGHBOUR')
  })

  it('refuses a link inside the renderer folder that points outside it', async () => {
    const response = await get('app://countersign/assets/link.txt')
    expect(response.status).toBe(404)
    expect(await response.text()).not.toContain('SECRET')
  })

  it.each([
    'app://evil/index.html',
    'app://countersign.evil.com/index.html',
    'app://countersign:8080/index.html',
    'file:///etc/passwd',
    'https://countersign/index.html'
  ])('refuses %s: another host, port, credentials or scheme', async (url) => {
    const response = await get(url)
    expect(response.status).toBe(403)
    expect(response.headers.get('content-security-policy')).toBe(RENDERER_CSP)
  })
})

describe('resolveAppPath', () => {
  it('maps a path below the root, and the root itself to index.html', () => {
    expect(resolveAppPath('/r', 'app://countersign/assets/a.js')).toBe(join('/r', 'assets', 'a.js'))
    expect(resolveAppPath('/r', 'app://countersign/')).toBe(join('/r', 'index.html'))
  })
  it.each([
    'app://countersign/../secret.txt',
    'app://countersign/assets/../../secret.txt',
    'app://countersign/%2e%2e/secret.txt',
    'app://countersign/./index.html',
    'app://countersign/..%2f..%2fetc%2fpasswd',
    'app://user:pass@countersign/index.html',
    'not a url'
  ])('refuses the raw URL %s (dot segments, encoded slashes, credentials) before any parser tidies it', (url) => {
    expect(resolveAppPath('/r', url)).toBeNull()
  })

  it('never returns a path outside the root', () => {
    for (const url of ['app://countersign//etc/passwd', 'app://countersign///', 'app://countersign/a//b']) {
      const resolved = resolveAppPath('/r', url)
      expect(resolved === null || resolved.startsWith('/r/')).toBe(true)
    }
  })
})

describe('contentTypeOf', () => {
  it('knows the renderer build\'s types and falls back to a type browsers will not run', () => {
    expect(contentTypeOf('a.MJS')).toBe('text/javascript; charset=utf-8')
    expect(contentTypeOf('a.woff2')).toBe('font/woff2')
    expect(contentTypeOf('a.exe')).toBe('application/octet-stream')
  })
})
