// Raw TCP toward the headless host: a hand-made WebSocket upgrade and hand-made frames, so tests
// can send what no well-behaved client library would (bad opcodes, unmasked frames, lies about
// length) and read the close frame the host answers with.
import { randomBytes } from 'node:crypto'
import { connect, type Socket } from 'node:net'

export type Frame = {
  fin?: boolean
  rsv?: number // the three reserved bits, 0..7
  opcode: number
  payload?: Buffer | string
  mask?: boolean // clients must mask; default true
  /** Claim this length in the header instead of the payload's real length. */
  claimedLength?: bigint
}

export function frame(f: Frame): Buffer {
  const payload = typeof f.payload === 'string' ? Buffer.from(f.payload) : (f.payload ?? Buffer.alloc(0))
  const length = f.claimedLength ?? BigInt(payload.length)
  const mask = f.mask ?? true
  const first = ((f.fin ?? true) ? 0x80 : 0) | (((f.rsv ?? 0) & 7) << 4) | (f.opcode & 0x0f)
  let header: Buffer
  if (length < 126n) header = Buffer.from([first, (mask ? 0x80 : 0) | Number(length)])
  else if (length < 65536n) {
    header = Buffer.alloc(4)
    header.writeUInt8(first, 0)
    header.writeUInt8((mask ? 0x80 : 0) | 126, 1)
    header.writeUInt16BE(Number(length), 2)
  } else {
    header = Buffer.alloc(10)
    header.writeUInt8(first, 0)
    header.writeUInt8((mask ? 0x80 : 0) | 127, 1)
    header.writeBigUInt64BE(length, 2)
  }
  if (!mask) return Buffer.concat([header, payload])
  const key = randomBytes(4)
  const masked = Buffer.from(payload)
  for (let i = 0; i < masked.length; i++) masked[i] ^= key[i % 4]
  return Buffer.concat([header, key, masked])
}

export function closePayload(code: number, reason = ''): Buffer {
  const b = Buffer.alloc(2)
  b.writeUInt16BE(code)
  return Buffer.concat([b, Buffer.from(reason)])
}

/** The bytes of a WebSocket upgrade request for /ipc with this token, Host and Origin. */
export function upgradeRequest(port: number, token: string, extraHeaders: Record<string, string> = {}): string {
  const headers: Record<string, string> = {
    Host: `127.0.0.1:${port}`,
    Origin: `http://127.0.0.1:${port}`,
    Upgrade: 'websocket',
    Connection: 'Upgrade',
    'Sec-WebSocket-Key': randomBytes(16).toString('base64'),
    'Sec-WebSocket-Version': '13',
    ...extraHeaders
  }
  return `GET /ipc?token=${encodeURIComponent(token)} HTTP/1.1\r\n` + Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join('') + '\r\n'
}

/** A socket that reads everything the host sends; `ended` settles when the host closes it. */
export class RawConnection {
  received = Buffer.alloc(0)
  readonly ended: Promise<void>
  private waiters: Array<() => void> = []

  private constructor(readonly socket: Socket) {
    socket.on('data', (chunk) => {
      this.received = Buffer.concat([this.received, chunk])
      for (const w of this.waiters.splice(0)) w()
    })
    socket.on('error', () => undefined) // the host may reset us; that is the point of some tests
    this.ended = new Promise((resolve) => socket.once('close', () => resolve()))
    void this.ended.then(() => {
      for (const w of this.waiters.splice(0)) w()
    })
  }

  static open(port: number): Promise<RawConnection> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host: '127.0.0.1', port })
      socket.once('connect', () => resolve(new RawConnection(socket)))
      socket.once('error', reject)
    })
  }

  /** Opens a connection and completes a valid upgrade with this token. */
  static async upgraded(port: number, token: string): Promise<RawConnection> {
    const conn = await RawConnection.open(port)
    conn.socket.write(upgradeRequest(port, token))
    const head = await conn.waitForHead(5000)
    if (!head.startsWith('HTTP/1.1 101')) throw new Error(`upgrade refused: ${head.split('\r\n')[0]}`)
    conn.received = conn.received.subarray(conn.received.indexOf('\r\n\r\n') + 4)
    return conn
  }

  write(data: Buffer | string): void {
    if (!this.socket.destroyed) this.socket.write(data)
  }

  /** The HTTP response head (up to the blank line), or whatever arrived before `ms` or the close. */
  async waitForHead(ms: number): Promise<string> {
    await this.until(() => this.received.includes('\r\n\r\n'), ms)
    return this.received.toString('latin1')
  }

  /** The close code of the first close frame the host sends, or null if it closed without one. */
  async closeCode(ms: number): Promise<number | null> {
    let code: number | null | undefined
    await this.until(() => (code = parseClose(this.received)) !== undefined, ms)
    return code ?? null
  }

  /** Waits for `done()` to be true, the socket to close, or `ms` to pass. */
  private async until(done: () => boolean, ms: number): Promise<void> {
    const deadline = Date.now() + ms
    while (!done() && !this.socket.destroyed && Date.now() < deadline) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.max(1, deadline - Date.now()))
        this.waiters.push(() => {
          clearTimeout(timer)
          resolve()
        })
      })
    }
  }

  destroy(): void {
    this.socket.destroy()
  }
}

/** Walks unmasked server frames; undefined until a close frame is complete. */
function parseClose(buf: Buffer): number | null | undefined {
  let at = 0
  while (at + 2 <= buf.length) {
    const opcode = buf[at] & 0x0f
    let length = buf[at + 1] & 0x7f
    let offset = at + 2
    if (length === 126) {
      if (offset + 2 > buf.length) return undefined
      length = buf.readUInt16BE(offset)
      offset += 2
    } else if (length === 127) {
      if (offset + 8 > buf.length) return undefined
      length = Number(buf.readBigUInt64BE(offset))
      offset += 8
    }
    if (offset + length > buf.length) return undefined
    if (opcode === 0x8) return length >= 2 ? buf.readUInt16BE(offset) : null
    at = offset + length
  }
  return undefined
}
