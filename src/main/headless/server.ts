// The headless host's transport: serves the built renderer and carries the IPC contract over a
// WebSocket, on 127.0.0.1 only, to a browser that presents this run's token. It never ships in
// an installer; it exists so the real renderer can run against the real core without Electron.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { randomBytes, timingSafeEqual } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { extname, join, normalize, sep } from 'node:path'
import { WebSocketServer, type WebSocket } from 'ws'
import { RENDERER_CSP } from '../../shared/csp'
import { clientMessageSchema, type ServerMessage } from '../../shared/wire'
import { dispatch, type ErrorLog, type Handlers } from '../ipc/dispatch'
import type { FanOutEventSink } from '../ipc/events'

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json'
}

/** The largest message a client may send; a bigger one closes its socket with 1009 (too big). */
export const MAX_MESSAGE_BYTES = 1_000_000
/** A client gets this long to send its request headers (slowloris clients are dropped). */
const HEADERS_TIMEOUT_MS = 5_000

export interface HostTransport {
  url: string
  port: number
  token: string
  close(): Promise<void>
}

export async function serveHeadless(options: {
  handlers: Handlers
  events: FanOutEventSink
  rendererDir: string
  port?: number
  token?: string
  /** Details of unexpected errors (the local log); the client only ever sees a plain sentence. */
  log?: ErrorLog
}): Promise<HostTransport> {
  const token = options.token ?? randomBytes(24).toString('base64url')
  let port = 0
  const expectedHost = () => `127.0.0.1:${port}`

  const server: Server = createServer({ headersTimeout: HEADERS_TIMEOUT_MS, requestTimeout: 2 * HEADERS_TIMEOUT_MS, connectionsCheckingInterval: 1_000 }, (req, res) => {
    if (req.url === '/ipc' || req.url?.startsWith('/ipc?')) return answerTokenProbe(req, res)
    serveStatic(req, res, options.rendererDir, expectedHost()).catch(() => {
      if (!res.headersSent) res.writeHead(500)
      res.end()
    })
  })
  // No client can take the host down: every socket has an error handler (an unhandled 'error'
  // event ends the process), and ws answers a bad frame by closing that socket with its code
  // (1002 protocol, 1007 bad UTF-8, 1009 too big) before it reports the error here.
  server.on('error', (error) => console.error('[host] server error:', error.message))
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES, perMessageDeflate: false })
  const clients = new Set<WebSocket>()

  server.on('upgrade', (req, socket, head) => {
    // Node's HTTP server drops its own error handler from a socket it hands to 'upgrade'.
    socket.on('error', () => socket.destroy())
    const refuse = (status: number, text: string) => {
      if (socket.writable) socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`)
      socket.destroy()
    }
    let url: URL
    try {
      url = new URL(req.url ?? '/', `http://${expectedHost()}`)
    } catch {
      return refuse(400, 'Bad Request')
    }
    // Only our own page may connect: right path, right Host (no DNS rebinding), same-origin, this run's token.
    if (url.pathname !== '/ipc') return refuse(404, 'Not Found')
    if (req.headers.host !== expectedHost()) return refuse(403, 'Forbidden')
    if (req.headers.origin !== `http://${expectedHost()}`) return refuse(403, 'Forbidden')
    if (!sameToken(url.searchParams.get('token'), token)) return refuse(401, 'Unauthorized')
    wss.handleUpgrade(req, socket, head, (ws) => {
      clients.add(ws)
      ws.on('error', () => undefined) // ws has already closed it with the right code
      ws.on('close', () => clients.delete(ws))
      ws.on('message', (data, isBinary) => {
        if (isBinary) return ws.close(1003, 'Malformed message')
        onMessage(ws, data.toString()).catch((error: unknown) => {
          console.error('[host] request failed:', error instanceof Error ? error.message : error)
          ws.close(1011, 'Internal error')
        })
      })
    })
  })

  // A page that lost its socket cannot see why a new one fails (the browser hides the HTTP
  // status of a refused upgrade). A plain GET of /ipc tells it: 401, the host runs with another
  // token (it was restarted), or 426, this token is fine and it may upgrade. It reveals nothing
  // an upgrade attempt would not.
  function answerTokenProbe(req: IncomingMessage, res: ServerResponse): void {
    const headers = { 'Cache-Control': 'no-store', 'Content-Length': '0' }
    if (req.headers.host !== expectedHost() || req.method !== 'GET') return void res.writeHead(403, headers).end()
    const given = new URL(req.url ?? '/', `http://${expectedHost()}`).searchParams.get('token')
    if (!sameToken(given, token)) return void res.writeHead(401, headers).end()
    res.writeHead(426, { ...headers, Connection: 'Upgrade', Upgrade: 'websocket' }).end()
  }

  async function onMessage(ws: WebSocket, raw: string): Promise<void> {
    let json: unknown
    try {
      json = JSON.parse(raw)
    } catch {
      return ws.close(1003, 'Malformed message')
    }
    const message = clientMessageSchema.safeParse(json)
    if (!message.success) return ws.close(1003, 'Malformed message')
    const envelope = await dispatch(options.handlers, message.data.name, message.data.input, options.log)
    send(ws, { type: 'response', id: message.data.id, envelope })
  }

  const unsubscribe = options.events.subscribe((name, payload) => {
    for (const ws of clients) send(ws, { type: 'event', name, payload })
  })

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve())
  })
  const address = server.address()
  port = typeof address === 'object' && address ? address.port : 0

  return {
    url: `http://${expectedHost()}/?token=${token}`,
    port,
    token,
    async close() {
      unsubscribe()
      for (const ws of clients) ws.terminate()
      wss.close()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    }
  }
}

function send(ws: WebSocket, message: ServerMessage): void {
  // The callback takes any write error (the client went away meanwhile) instead of throwing.
  if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(message), () => undefined)
}

function sameToken(given: string | null, expected: string): boolean {
  if (!given) return false
  const a = Buffer.from(given)
  const b = Buffer.from(expected)
  return a.length === b.length && timingSafeEqual(a, b)
}

async function serveStatic(req: IncomingMessage, res: ServerResponse, root: string, expectedHost: string): Promise<void> {
  if (req.headers.host !== expectedHost || (req.method !== 'GET' && req.method !== 'HEAD')) {
    res.writeHead(403).end()
    return
  }
  let pathname: string
  try {
    pathname = decodeURIComponent(new URL(req.url ?? '/', `http://${expectedHost}`).pathname)
  } catch {
    res.writeHead(400).end()
    return
  }
  const relative = pathname === '/' ? 'index.html' : pathname.slice(1)
  const file = normalize(join(root, relative))
  if (!file.startsWith(normalize(root) + sep)) {
    res.writeHead(404).end()
    return
  }
  try {
    const body = await readFile(file)
    res.writeHead(200, {
      'Content-Type': MIME[extname(file)] ?? 'application/octet-stream',
      'Content-Security-Policy': RENDERER_CSP,
      'X-Content-Type-Options': 'nosniff',
      'Cache-Control': 'no-store'
    })
    res.end(req.method === 'HEAD' ? undefined : body)
  } catch {
    res.writeHead(404).end()
  }
}
