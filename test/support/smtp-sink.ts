// A tiny SMTP server on 127.0.0.1 that accepts every message and keeps it in memory, for tests
// that need to see what a real mail client (here: Tryton's smtplib) delivered.
import net from 'node:net'

export interface SunkMessage {
  from: string
  to: string[]
  data: string
  /** Decoded Subject header (RFC 2047 "=?utf-8?…?=" words are decoded). */
  subject: string
  receivedAt: Date
}

function decodeWords(s: string): string {
  return s.replace(/=\?([^?]+)\?([bBqQ])\?([^?]*)\?=/g, (_m, _charset: string, enc: string, text: string) => {
    if (enc.toUpperCase() === 'B') return Buffer.from(text, 'base64').toString('utf8')
    const bytes = text.replace(/_/g, ' ').replace(/=([0-9A-Fa-f]{2})/g, (_x, h: string) => String.fromCharCode(parseInt(h, 16)))
    return Buffer.from(bytes, 'latin1').toString('utf8')
  })
}

function headerOf(data: string, name: string): string {
  const head = data.split(/\r?\n\r?\n/)[0] ?? ''
  const unfolded = head.replace(/\r?\n[ \t]+/g, ' ')
  const line = unfolded.split(/\r?\n/).find((l) => l.toLowerCase().startsWith(`${name.toLowerCase()}:`))
  return line ? decodeWords(line.slice(name.length + 1).trim().replace(/\?=\s+=\?/g, '?==?')) : ''
}

export class SmtpSink {
  readonly messages: SunkMessage[] = []
  private server: net.Server | null = null
  private readonly sockets = new Set<net.Socket>()
  port = 0

  async start(): Promise<number> {
    const server = net.createServer((socket) => this.handle(socket))
    this.server = server
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(0, '127.0.0.1', () => resolve())
    })
    this.port = (server.address() as net.AddressInfo).port
    return this.port
  }

  clear(): void {
    this.messages.length = 0
  }

  private handle(socket: net.Socket): void {
    this.sockets.add(socket)
    socket.on('close', () => this.sockets.delete(socket))
    socket.on('error', () => socket.destroy())
    socket.setTimeout(30_000, () => socket.destroy())
    let buffer = ''
    let inData = false
    let from = ''
    let to: string[] = []
    let data: string[] = []
    const reply = (line: string): void => {
      socket.write(`${line}\r\n`)
    }
    reply('220 countersign-smtp-sink ESMTP ready')
    socket.on('data', (chunk) => {
      buffer += chunk.toString('latin1')
      if (buffer.length > 10_000_000) {
        socket.destroy()
        return
      }
      let idx: number
      while ((idx = buffer.indexOf('\r\n')) >= 0) {
        const line = buffer.slice(0, idx)
        buffer = buffer.slice(idx + 2)
        if (inData) {
          if (line === '.') {
            inData = false
            const text = Buffer.from(data.join('\r\n'), 'latin1').toString('utf8')
            this.messages.push({ from, to, data: text, subject: headerOf(text, 'Subject'), receivedAt: new Date() })
            from = ''
            to = []
            data = []
            reply('250 OK: queued')
          } else {
            data.push(line.startsWith('..') ? line.slice(1) : line)
          }
          continue
        }
        const verb = line.slice(0, 4).toUpperCase()
        if (verb === 'EHLO') {
          reply('250-countersign-smtp-sink')
          reply('250 8BITMIME')
        } else if (verb === 'HELO') reply('250 countersign-smtp-sink')
        else if (line.toUpperCase().startsWith('MAIL FROM:')) {
          from = line.slice(10).trim().replace(/^<|>.*$/g, '')
          to = []
          reply('250 OK')
        } else if (line.toUpperCase().startsWith('RCPT TO:')) {
          to.push(line.slice(8).trim().replace(/^<|>.*$/g, ''))
          reply('250 OK')
        } else if (verb === 'DATA') {
          inData = true
          data = []
          reply('354 End data with <CR><LF>.<CR><LF>')
        } else if (verb === 'RSET') {
          from = ''
          to = []
          reply('250 OK')
        } else if (verb === 'NOOP') reply('250 OK')
        else if (verb === 'QUIT') {
          reply('221 Bye')
          socket.end()
        } else reply('502 Command not implemented')
      }
    })
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy()
    const server = this.server
    this.server = null
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()))
  }
}
