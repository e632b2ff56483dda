// The renderer is served from app://countersign/, a privileged custom scheme, instead of file://
// (Electron security checklist #18): a page from file:// could read any file the user can, and
// its origin is the opaque "null". Every response, errors included, carries the CSP header; a
// path that climbs out of the renderer folder, by any spelling, is refused.
import { realpath, readFile, stat } from 'node:fs/promises'
import { extname, isAbsolute, relative, resolve, sep } from 'node:path'

export const APP_SCHEME = 'app'
export const APP_HOST = 'countersign'
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`
export const APP_URL = `${APP_ORIGIN}/index.html`

/** For protocol.registerSchemesAsPrivileged, before the app is ready: a standard, secure
 *  origin (so 'self', relative URLs and module scripts work) that is not a bypass of the CSP. */
export const APP_SCHEME_PRIVILEGES = { standard: true, secure: true, supportFetchAPI: true, codeCache: true } as const

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.webp': 'image/webp',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.txt': 'text/plain; charset=utf-8'
}

export function contentTypeOf(path: string): string {
  return CONTENT_TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream'
}

/**
 * The file a request names inside `root`, or null when the URL is not ours or its path is not a
 * plain path below root: `..` and `.` segments (also percent-encoded), encoded slashes or
 * backslashes, NUL, drive letters. Pure: no file system access.
 */
export function resolveAppPath(root: string, rawUrl: string): string | null {
  let url: URL
  try {
    url = new URL(rawUrl)
  } catch {
    return null
  }
  if (url.protocol !== `${APP_SCHEME}:` || url.host !== APP_HOST || url.username || url.password) return null
  // The raw path, before the URL parser's own dot-segment removal, so `/../x` is refused rather
  // than quietly turned into `/x`.
  const rawPath = rawUrl.slice(rawUrl.indexOf(APP_HOST) + APP_HOST.length).split(/[?#]/)[0]
  const segments = (rawPath || '/').split('/').slice(1)
  const decoded: string[] = []
  for (const segment of segments) {
    let part: string
    try {
      part = decodeURIComponent(segment)
    } catch {
      return null
    }
    if (part === '.' || part === '..' || /[\\/\0:]/.test(part)) return null
    decoded.push(part)
  }
  const cleaned = decoded.filter((s) => s !== '')
  const file = resolve(root, ...(cleaned.length ? cleaned : ['index.html']))
  return isInside(root, file) ? file : null
}

function isInside(root: string, file: string): boolean {
  const rel = relative(root, file)
  return rel !== '' && !rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel)
}

export function createAppProtocolHandler(options: { root: string; csp: string }): (request: Request) => Promise<Response> {
  const root = resolve(options.root)
  const respond = (status: number, body: string | Uint8Array | null, contentType = 'text/plain; charset=utf-8') =>
    new Response(body as ConstructorParameters<typeof Response>[0], {
      status,
      headers: {
        'Content-Security-Policy': options.csp,
        'Content-Type': contentType,
        'X-Content-Type-Options': 'nosniff',
        'Cache-Control': 'no-cache'
      }
    })

  return async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return respond(405, 'Method not allowed.')
    const file = resolveAppPath(root, request.url)
    if (!file) return respond(403, 'Refused.')
    try {
      // A link inside the renderer folder that points outside it is refused like `..`.
      const [realRoot, realFile] = await Promise.all([realpath(root), realpath(file)])
      if (!isInside(realRoot, realFile) || !(await stat(realFile)).isFile()) return respond(404, 'Not found.')
      const body = request.method === 'HEAD' ? null : new Uint8Array(await readFile(realFile))
      return respond(200, body, contentTypeOf(file))
    } catch {
      return respond(404, 'Not found.')
    }
  }
}
