// The headless host against hostile local clients: after a valid upgrade with the token, every
// kind of malformed WebSocket frame; before it, malformed and slow upgrade requests. The host is
// the real one (src/main/headless/cli.ts in its own process, as users start it), so a crash shows
// as a dead process. After every attack a fresh, valid client must still get an answer.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Host } from '../../../e2e/host'
import { HostClient } from '../../support/ws-client'
import { RawConnection, closePayload, frame, upgradeRequest, type Frame } from '../../support/raw-ws'

const TEXT = 0x1
const BINARY = 0x2
const CONTINUATION = 0x0
const CLOSE = 0x8
const PING = 0x9

let host: Host
let port: number
let token: string

beforeAll(async () => {
  host = new Host()
  const info = await host.start()
  port = info.port
  token = info.token
}, 60_000)

afterAll(async () => {
  await host?.dispose()
})

/** A fresh client with the token gets a real answer from the core. */
async function hostStillServes(): Promise<void> {
  const client = await HostClient.connect(port, token)
  try {
    const state = await client.request('app.getState', {})
    expect(state.sampleUsers.length).toBeGreaterThan(0)
  } finally {
    client.close()
  }
}

const big = (n: number) => Buffer.alloc(n, 0x61)

// [what is sent, the frames, the close code the host must answer with (null: none is possible)]
const MALFORMED: Array<[string, Frame[], number | null]> = [
  ['a text frame claiming 2 MB (over the 1 MB cap)', [{ opcode: TEXT, payload: big(1000), claimedLength: 2_000_000n }], 1009],
  ['a 1.2 MB message in two fragments', [{ opcode: TEXT, fin: false, payload: big(600_000) }, { opcode: CONTINUATION, payload: big(600_000) }], 1009],
  ['a 64-bit length beyond 2^53', [{ opcode: BINARY, claimedLength: 2n ** 63n }], 1009],
  ['invalid UTF-8 in a text frame', [{ opcode: TEXT, payload: Buffer.from([0x7b, 0xc3, 0x28, 0x7d]) }], 1007],
  ['an unmasked client frame', [{ opcode: TEXT, payload: '{}', mask: false }], 1002],
  ['a reserved data opcode (0x3)', [{ opcode: 0x3, payload: 'x' }], 1002],
  ['a reserved control opcode (0xB)', [{ opcode: 0xb }], 1002],
  ['RSV1 set with no extension negotiated', [{ opcode: TEXT, rsv: 4, payload: '{}' }], 1002],
  ['RSV2 and RSV3 set', [{ opcode: TEXT, rsv: 3, payload: '{}' }], 1002],
  ['a fragmented ping', [{ opcode: PING, fin: false, payload: 'x' }], 1002],
  ['a ping with a 126-byte payload', [{ opcode: PING, payload: big(126) }], 1002],
  ['a close frame with code 999', [{ opcode: CLOSE, payload: closePayload(999) }], 1002],
  ['a close frame with the reserved code 1005', [{ opcode: CLOSE, payload: closePayload(1005) }], 1002],
  ['a close frame with code 5000', [{ opcode: CLOSE, payload: closePayload(5000) }], 1002],
  ['a close frame with a one-byte payload', [{ opcode: CLOSE, payload: Buffer.from([3]) }], 1002],
  ['a close reason that is not UTF-8', [{ opcode: CLOSE, payload: Buffer.concat([closePayload(1000), Buffer.from([0xff, 0xfe])]) }], 1007],
  ['a continuation with no message started', [{ opcode: CONTINUATION, payload: 'x' }], 1002],
  ['a new text frame inside a fragmented message', [{ opcode: TEXT, fin: false, payload: '{' }, { opcode: TEXT, payload: '}' }], 1002],
  ['a binary frame of random bytes', [{ opcode: BINARY, payload: Buffer.from([0, 255, 13, 10, 0]) }], 1003],
  ['text that is not JSON', [{ opcode: TEXT, payload: '{"type":"request",' }], 1003],
  ['JSON of the wrong shape', [{ opcode: TEXT, payload: '{"type":"request","id":"1","name":{},"input":null}' }], 1003]
]

describe('the headless host survives any WebSocket frame', () => {
  it.each(MALFORMED)('%s: closes that client and serves the next one', async (_label, frames, expectedCode) => {
    const conn = await RawConnection.upgraded(port, token)
    for (const f of frames) conn.write(frame(f))
    expect(await conn.closeCode(5000)).toBe(expectedCode)
    conn.destroy()
    await hostStillServes()
  })

  it('a frame cut off mid-payload and then a TCP reset', async () => {
    const conn = await RawConnection.upgraded(port, token)
    conn.write(frame({ opcode: TEXT, payload: big(10_000) }).subarray(0, 5000))
    await new Promise((r) => setTimeout(r, 50))
    conn.socket.resetAndDestroy()
    await conn.ended
    await hostStillServes()
  })

  it('a reset right after the upgrade request, before the handshake answer is read', async () => {
    for (let i = 0; i < 20; i++) {
      const conn = await RawConnection.open(port)
      conn.write(upgradeRequest(port, token))
      conn.socket.resetAndDestroy()
      await conn.ended
    }
    await hostStillServes()
  })

  it('a polite close is answered with 1000 and the host carries on', async () => {
    const conn = await RawConnection.upgraded(port, token)
    conn.write(frame({ opcode: CLOSE, payload: closePayload(1000) }))
    expect(await conn.closeCode(5000)).toBe(1000)
    conn.destroy()
    await hostStillServes()
  })
})

describe('the headless host survives hostile upgrade requests', () => {
  async function answerTo(raw: string | Buffer): Promise<string> {
    const conn = await RawConnection.open(port)
    conn.write(raw)
    const head = await conn.waitForHead(5000)
    conn.destroy()
    return head.split('\r\n')[0]
  }

  it.each([
    ['binary garbage before the request line', Buffer.concat([Buffer.from([0, 255, 1, 2, 13, 10]), Buffer.from(upgradeRequest(0, 'x'))]), /^HTTP\/1\.1 400/],
    ['a request line that is not HTTP', 'HELLO /ipc WORLD\r\n\r\n', /^HTTP\/1\.1 400/],
    ['a header line without a colon', 'GET /ipc HTTP/1.1\r\nHost 127.0.0.1\r\nUpgrade: websocket\r\n\r\n', /^HTTP\/1\.1 400/],
    ['an upgrade whose target is not a URL', `GET http://[ HTTP/1.1\r\nHost: 127.0.0.1:PORT\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n`, /^HTTP\/1\.1 4\d\d/],
    ['64 KB of headers', `GET /ipc HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(65_536)}\r\n\r\n`, /^HTTP\/1\.1 431/]
  ])('%s gets an error answer', async (_label, raw, status) => {
    expect(await answerTo(typeof raw === 'string' ? raw.replace('PORT', String(port)) : raw)).toMatch(status)
    await hostStillServes()
  })

  it.each([
    ['no Sec-WebSocket-Key', { 'Sec-WebSocket-Key': '' }],
    ['a short Sec-WebSocket-Key', { 'Sec-WebSocket-Key': 'c2hvcnQ=' }],
    ['WebSocket version 7', { 'Sec-WebSocket-Version': '7' }],
    ['no WebSocket version', { 'Sec-WebSocket-Version': '' }],
    ['Upgrade: h2c', { Upgrade: 'h2c' }]
  ])('an upgrade with the token but %s is refused', async (_label, headers) => {
    const line = await answerTo(upgradeRequest(port, token, headers))
    expect(line).toMatch(/^HTTP\/1\.1 4\d\d/)
    await hostStillServes()
  })

  it('compression is never negotiated, so no small frame can inflate into a huge message', async () => {
    const conn = await RawConnection.open(port)
    conn.write(upgradeRequest(port, token, { 'Sec-WebSocket-Extensions': 'permessage-deflate; client_max_window_bits' }))
    const head = await conn.waitForHead(5000)
    conn.destroy()
    expect(head).toMatch(/^HTTP\/1\.1 101/)
    expect(head.toLowerCase()).not.toContain('sec-websocket-extensions')
  })

  it('a slow client that never finishes its headers is cut off within a bounded time, and others are served meanwhile', async () => {
    const slow = await RawConnection.open(port)
    const started = Date.now()
    slow.write(`GET /ipc?token=${token} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n`)
    // Trickle one header byte at a time, as a slowloris client does.
    const trickle = setInterval(() => slow.write('X'), 200)
    try {
      await hostStillServes()
      await Promise.race([slow.ended, new Promise((r) => setTimeout(r, 20_000))])
      expect(slow.socket.destroyed, 'the host should have dropped the slow client').toBe(true)
      expect(Date.now() - started).toBeLessThan(20_000)
    } finally {
      clearInterval(trickle)
      slow.destroy()
    }
    await hostStillServes()
  }, 30_000)
})
