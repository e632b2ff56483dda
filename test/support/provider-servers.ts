// Loopback HTTP servers that speak each provider's real streaming wire format, so tests drive
// the real AI SDK provider clients end to end. Each server listens on 127.0.0.1 (port 0), answers
// from a queue of scripted replies (one per request), and records every request it received
// (method, path, headers, raw and parsed body). Tests must close every server they start.
//
// Flavours and the endpoints they answer:
//   openai-chat       POST /v1/chat/completions   SSE chat.completion.chunk … data: [DONE]
//   openai-responses  POST /v1/responses          SSE response.created … response.completed
//   anthropic         POST /v1/messages           SSE message_start … message_stop
//   ollama            POST /v1/chat/completions   Ollama's OpenAI-compatible flavour (whole tool
//                                                 calls in one delta, fp_ollama fingerprint)
// Every flavour also answers GET /v1/models with its provider's list format.
//
// startHttpProxy() is a loopback forward proxy (CONNECT tunnels and absolute-URI requests) that
// records every request it carried, for the proxy tests.
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { connect, type AddressInfo, type Socket } from 'node:net'

export type Flavor = 'openai-chat' | 'openai-responses' | 'anthropic' | 'ollama'

export interface RecordedRequest {
  method: string
  /** Path without the query string. */
  path: string
  /** Path with the query string. */
  url: string
  headers: Record<string, string>
  rawBody: string
  body: unknown
}

export interface ScriptedToolCall {
  id?: string
  name: string
  /** An object is JSON-encoded; a string is sent as it is (for malformed arguments). */
  args: unknown
}

export type Reply =
  | { kind: 'text'; text: string }
  | { kind: 'tools'; calls: ScriptedToolCall[]; text?: string }
  | { kind: 'http-error'; status: number; body: unknown; headers?: Record<string, string> }
  /** Streams a few events, then one event cut in the middle of its JSON, then ends the response cleanly. */
  | { kind: 'cut-mid-json'; text?: string }
  /** Streams a few events, then resets the TCP connection. */
  | { kind: 'reset'; text?: string }
  /** Sends an event whose data is not JSON in the middle of an otherwise normal text reply. */
  | { kind: 'invalid-json-event'; text: string }
  /** Streams the first events (some text), then sends nothing more and keeps the connection open. */
  | { kind: 'stall'; text?: string }
  /** Streams some text, then the provider's own in-stream error event, then ends. */
  | { kind: 'stream-error'; text?: string; message: string }

// ---- script helpers --------------------------------------------------------------------------

export const reply = {
  text: (text: string): Reply => ({ kind: 'text', text }),
  toolCall: (name: string, args: unknown, id?: string): Reply => ({ kind: 'tools', calls: [{ name, args, id }] }),
  toolCalls: (...calls: ScriptedToolCall[]): Reply => ({ kind: 'tools', calls }),
  malformedToolCall: (name: string, brokenArgs = '{"type": "contact", "text": '): Reply => ({
    kind: 'tools',
    calls: [{ name, args: brokenArgs }]
  }),
  httpError: (status: number, body: unknown, headers?: Record<string, string>): Reply => ({
    kind: 'http-error',
    status,
    body,
    headers
  }),
  cutMidJson: (text = 'Partial answ'): Reply => ({ kind: 'cut-mid-json', text }),
  reset: (text = 'Partial answ'): Reply => ({ kind: 'reset', text }),
  invalidJsonEvent: (text = 'Still here.'): Reply => ({ kind: 'invalid-json-event', text }),
  stall: (text = 'Partial answ'): Reply => ({ kind: 'stall', text }),
  streamError: (message = 'The server had an error while processing your request.', text = 'Partial answ'): Reply => ({ kind: 'stream-error', text, message })
}

/** The error bodies each provider really sends, for the common failures. */
export const errorBodies = {
  invalidKey(flavor: Flavor): { status: number; body: unknown } {
    if (flavor === 'anthropic') return { status: 401, body: anthropicError('authentication_error', 'invalid x-api-key') }
    return {
      status: 401,
      body: openaiError(
        'Incorrect API key provided: sk-wro*****ey. You can find your API key at https://platform.openai.com/account/api-keys.',
        'invalid_request_error',
        'invalid_api_key'
      )
    }
  },
  modelNotFound(flavor: Flavor, model: string): { status: number; body: unknown } {
    if (flavor === 'anthropic') return { status: 404, body: anthropicError('not_found_error', `model: ${model}`) }
    if (flavor === 'ollama') {
      return { status: 404, body: openaiError(`model "${model}" not found, try pulling it first`, 'api_error', null) }
    }
    return {
      status: 404,
      body: openaiError(
        `The model \`${model}\` does not exist or you do not have access to it.`,
        'invalid_request_error',
        'model_not_found'
      )
    }
  },
  rateLimited(flavor: Flavor): { status: number; body: unknown } {
    if (flavor === 'anthropic') {
      return {
        status: 429,
        body: anthropicError(
          'rate_limit_error',
          'This request would exceed the rate limit for your organization of 50 requests per minute.'
        )
      }
    }
    return {
      status: 429,
      body: openaiError(
        'Rate limit reached for gpt in organization org-x on requests per min (RPM): Limit 3, Used 3, Requested 1.',
        'requests',
        'rate_limit_exceeded'
      )
    }
  },
  quotaExceeded(): { status: number; body: unknown } {
    return {
      status: 429,
      body: openaiError(
        'You exceeded your current quota, please check your plan and billing details.',
        'insufficient_quota',
        'insufficient_quota'
      )
    }
  },
  contextTooLong(flavor: Flavor): { status: number; body: unknown } {
    if (flavor === 'anthropic') {
      return { status: 400, body: anthropicError('invalid_request_error', 'prompt is too long: 215000 tokens > 200000 maximum') }
    }
    if (flavor === 'openai-responses') {
      return {
        status: 400,
        body: openaiError(
          'Your input exceeds the context window of this model. Please adjust your input and try again.',
          'invalid_request_error',
          'context_length_exceeded'
        )
      }
    }
    return {
      status: 400,
      body: openaiError(
        "This model's maximum context length is 128000 tokens. However, your messages resulted in 131072 tokens. Please reduce the length of the messages.",
        'invalid_request_error',
        'context_length_exceeded'
      )
    }
  }
}

function openaiError(message: string, type: string, code: string | null) {
  return { error: { message, type, param: null, code } }
}

function anthropicError(type: string, message: string) {
  return { type: 'error', error: { type, message }, request_id: 'req_011CTestRequest' }
}

// ---- the server --------------------------------------------------------------------------------

export interface ProviderServer {
  readonly flavor: Flavor
  /** http://127.0.0.1:PORT */
  readonly origin: string
  /** The base URL to give the provider client (origin + /v1). */
  readonly baseURL: string
  readonly host: string
  readonly requests: RecordedRequest[]
  /** Adds replies, answered in order, one per request. */
  script(...replies: Reply[]): void
  /** Replies still queued. */
  pending(): number
  close(): Promise<void>
}

export interface ProviderServerOptions {
  /** Milliseconds between streamed events (default 0). */
  delayMs?: number
  /** The model name echoed in responses. */
  model?: string
  /** What GET /v1/models lists (default: a few plausible ids for the flavour). */
  models?: string[]
}

const DEFAULT_MODELS: Record<Flavor, string[]> = {
  'openai-chat': ['gpt-5.4-mini', 'gpt-5.4', 'text-embedding-3-small'],
  'openai-responses': ['gpt-5.4-mini', 'gpt-5.4', 'o4-mini'],
  anthropic: ['claude-sonnet-4-5', 'claude-opus-4-1', 'claude-haiku-4-5'],
  ollama: ['llama3.1:latest', 'qwen2.5:7b']
}

const PATHS: Record<Flavor, string> = {
  'openai-chat': '/v1/chat/completions',
  ollama: '/v1/chat/completions',
  'openai-responses': '/v1/responses',
  anthropic: '/v1/messages'
}

export async function startProviderServer(flavor: Flavor, options: ProviderServerOptions = {}): Promise<ProviderServer> {
  const queue: Reply[] = []
  const requests: RecordedRequest[] = []
  const sockets = new Set<Socket>()
  let counter = 0

  const server: Server = createServer(async (req, res) => {
    const raw = await readBody(req)
    const [path] = (req.url ?? '/').split('?')
    let body: unknown = raw
    try {
      body = raw ? JSON.parse(raw) : null
    } catch {
      // keep the raw text
    }
    const headers: Record<string, string> = {}
    for (const [key, value] of Object.entries(req.headers)) {
      headers[key] = Array.isArray(value) ? value.join(', ') : (value ?? '')
    }
    requests.push({ method: req.method ?? '', path: path ?? '/', url: req.url ?? '/', headers, rawBody: raw, body })

    if (req.method === 'GET' && path === '/v1/models') {
      const ids = options.models ?? DEFAULT_MODELS[flavor]
      sendJson(
        res,
        200,
        flavor === 'anthropic'
          ? { data: ids.map((id) => ({ type: 'model', id, display_name: id, created_at: '2025-09-29T00:00:00Z' })), has_more: false, first_id: ids[0] ?? null, last_id: ids.at(-1) ?? null }
          : { object: 'list', data: ids.map((id) => ({ id, object: 'model', created: 1_760_000_000, owned_by: flavor === 'ollama' ? 'library' : 'system' })) }
      )
      return
    }
    if (req.method !== 'POST' || path !== PATHS[flavor]) {
      sendJson(res, 404, { error: { message: `No route for ${req.method} ${path}`, type: 'invalid_request_error' } })
      return
    }
    const next = queue.shift()
    if (!next) {
      sendJson(res, 500, { error: { message: 'provider test server: no scripted reply left', type: 'server_error' } })
      return
    }
    counter += 1
    const model =
      options.model ?? (typeof body === 'object' && body && 'model' in body ? String((body as { model: unknown }).model) : 'test-model')
    await answer(flavor, next, res, { model, n: counter, delayMs: options.delayMs ?? 0 })
  })
  server.on('connection', (socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  const origin = `http://127.0.0.1:${port}`
  return {
    flavor,
    origin,
    baseURL: `${origin}/v1`,
    host: `127.0.0.1:${port}`,
    requests,
    script: (...replies) => {
      queue.push(...replies)
    },
    pending: () => queue.length,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy()
        server.close(() => resolve())
      })
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
    req.on('error', reject)
  })
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body)
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers })
  res.end(text)
}

interface Ctx {
  model: string
  n: number
  delayMs: number
}

/** One SSE frame: `event:` line when named (Responses, Anthropic), then `data:`. */
interface Frame {
  event?: string
  data: string
}

const json = (value: unknown) => JSON.stringify(value)
const argsText = (args: unknown) => (typeof args === 'string' ? args : JSON.stringify(args))

async function answer(flavor: Flavor, r: Reply, res: ServerResponse, ctx: Ctx): Promise<void> {
  if (r.kind === 'http-error') {
    sendJson(res, r.status, r.body, r.headers)
    return
  }
  const frames = framesFor(flavor, r, ctx)
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
    ...(flavor === 'anthropic' ? { 'request-id': `req_${ctx.n}` } : { 'x-request-id': `req_${ctx.n}` })
  })
  // Flush headers so the client starts reading before the body ends.
  res.flushHeaders()

  const write = async (text: string) => {
    res.write(text)
    if (ctx.delayMs) await sleep(ctx.delayMs)
    else await new Promise((resolve) => setImmediate(resolve))
  }
  const encode = (f: Frame) => `${f.event ? `event: ${f.event}\n` : ''}data: ${f.data}\n\n`

  if (r.kind === 'cut-mid-json') {
    // Everything up to the finish, then the finish event cut in the middle of its JSON.
    const keep = frames.slice(0, Math.max(1, frames.length - 3))
    for (const f of keep) await write(encode(f))
    const next = frames[keep.length] ?? frames[frames.length - 1]!
    const cut = encode(next)
    await write(cut.slice(0, Math.floor(cut.length / 2)))
    res.end()
    return
  }
  if (r.kind === 'stall') {
    // Some text, then silence with the connection held open (until the client or close() ends it).
    const keep = frames.slice(0, Math.max(2, Math.min(frames.length - 3, 4)))
    for (const f of keep) await write(encode(f))
    await new Promise<void>((resolve) => res.once('close', () => resolve()))
    return
  }
  if (r.kind === 'stream-error') {
    const keep = frames.slice(0, Math.max(2, Math.min(frames.length - 3, 4)))
    for (const f of keep) await write(encode(f))
    await write(encode(streamErrorFrame(flavor, r.message)))
    res.end()
    return
  }
  if (r.kind === 'reset') {
    const keep = frames.slice(0, Math.max(1, frames.length - 3))
    for (const f of keep) await write(encode(f))
    await sleep(20)
    const socket = res.socket
    if (socket && 'resetAndDestroy' in socket && typeof socket.resetAndDestroy === 'function') socket.resetAndDestroy()
    else socket?.destroy()
    return
  }
  for (const f of frames) await write(encode(f))
  if (flavor === 'openai-chat' || flavor === 'ollama') await write('data: [DONE]\n\n')
  res.end()
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

function splitText(text: string): string[] {
  const parts = text.match(/\S+\s*|\s+/g) ?? []
  return parts.length ? parts : ['']
}

function splitArgs(text: string): string[] {
  const out: string[] = []
  for (let i = 0; i < text.length; i += 7) out.push(text.slice(i, i + 7))
  return out.length ? out : ['']
}

/** Each provider's own error event inside a stream that already began. */
function streamErrorFrame(flavor: Flavor, message: string): Frame {
  switch (flavor) {
    case 'anthropic':
      return { event: 'error', data: json({ type: 'error', error: { type: 'api_error', message } }) }
    case 'openai-responses':
      return { event: 'error', data: json({ type: 'error', code: 'server_error', message, param: null, sequence_number: 99 }) }
    default:
      // vLLM, LiteLLM, Ollama and OpenAI's Chat Completions put an `error` object in a data line.
      return { data: json({ error: { message, type: 'server_error', param: null, code: 500 } }) }
  }
}

function textOf(r: Reply): string {
  switch (r.kind) {
    case 'text':
    case 'invalid-json-event':
      return r.text
    case 'cut-mid-json':
    case 'reset':
    case 'stall':
    case 'stream-error':
      return r.text ?? ''
    case 'tools':
      return r.text ?? ''
    default:
      return ''
  }
}

function framesFor(flavor: Flavor, r: Reply, ctx: Ctx): Frame[] {
  const calls = r.kind === 'tools' ? r.calls : []
  const text = textOf(r)
  let frames: Frame[]
  switch (flavor) {
    case 'openai-chat':
    case 'ollama':
      frames = chatFrames(flavor, text, calls, ctx)
      break
    case 'openai-responses':
      frames = responsesFrames(text, calls, ctx)
      break
    case 'anthropic':
      frames = anthropicFrames(text, calls, ctx)
      break
  }
  if (r.kind === 'invalid-json-event') {
    // Right after the first event: a frame whose data is not JSON; the stream then goes on.
    frames.splice(1, 0, { event: flavor === 'anthropic' ? 'content_block_delta' : undefined, data: '{"type": oops not json' })
  }
  return frames
}

// OpenAI Chat Completions (and Ollama's compatible endpoint): chat.completion.chunk frames.
function chatFrames(flavor: Flavor, text: string, calls: ScriptedToolCall[], ctx: Ctx): Frame[] {
  const id = `chatcmpl-${ctx.n}`
  const created = 1_760_000_000 + ctx.n
  const base = {
    id,
    object: 'chat.completion.chunk',
    created,
    model: ctx.model,
    system_fingerprint: flavor === 'ollama' ? 'fp_ollama' : 'fp_test'
  }
  const chunk = (delta: Record<string, unknown>, finish: string | null = null) => ({
    data: json({ ...base, choices: [{ index: 0, delta, finish_reason: finish }] })
  })
  const frames: Frame[] = [chunk({ role: 'assistant', content: '' })]
  if (text) for (const piece of splitText(text)) frames.push(chunk({ content: piece }))
  calls.forEach((call, index) => {
    const callId = call.id ?? `call_${ctx.n}_${index}`
    const args = argsText(call.args)
    if (flavor === 'ollama') {
      // Ollama sends each tool call whole, in one delta.
      frames.push(
        chunk({
          role: 'assistant',
          content: '',
          tool_calls: [{ id: callId, index, type: 'function', function: { name: call.name, arguments: args } }]
        })
      )
      return
    }
    frames.push(chunk({ tool_calls: [{ index, id: callId, type: 'function', function: { name: call.name, arguments: '' } }] }))
    for (const piece of splitArgs(args)) frames.push(chunk({ tool_calls: [{ index, function: { arguments: piece } }] }))
  })
  frames.push(chunk({}, calls.length ? 'tool_calls' : 'stop'))
  frames.push({
    data: json({ ...base, choices: [], usage: { prompt_tokens: 42, completion_tokens: 7, total_tokens: 49 } })
  })
  return frames
}

// OpenAI Responses: the response.* event sequence.
function responsesFrames(text: string, calls: ScriptedToolCall[], ctx: Ctx): Frame[] {
  let seq = 0
  const frames: Frame[] = []
  const ev = (type: string, payload: Record<string, unknown>) =>
    frames.push({ event: type, data: json({ type, sequence_number: seq++, ...payload }) })
  const respId = `resp_${ctx.n}`
  const created_at = 1_760_000_000 + ctx.n
  const shell = (status: string, output: unknown[], usage: unknown) => ({
    id: respId,
    object: 'response',
    created_at,
    status,
    error: null,
    incomplete_details: null,
    instructions: null,
    model: ctx.model,
    output,
    parallel_tool_calls: true,
    tool_choice: 'auto',
    tools: [],
    usage
  })
  ev('response.created', { response: shell('in_progress', [], null) })
  ev('response.in_progress', { response: shell('in_progress', [], null) })
  const output: unknown[] = []
  let index = 0
  if (text) {
    const itemId = `msg_${ctx.n}`
    ev('response.output_item.added', {
      output_index: index,
      item: { id: itemId, type: 'message', status: 'in_progress', role: 'assistant', content: [] }
    })
    ev('response.content_part.added', {
      item_id: itemId,
      output_index: index,
      content_index: 0,
      part: { type: 'output_text', text: '', annotations: [] }
    })
    for (const piece of splitText(text)) {
      ev('response.output_text.delta', { item_id: itemId, output_index: index, content_index: 0, delta: piece, logprobs: [] })
    }
    ev('response.output_text.done', { item_id: itemId, output_index: index, content_index: 0, text, logprobs: [] })
    const part = { type: 'output_text', text, annotations: [] }
    ev('response.content_part.done', { item_id: itemId, output_index: index, content_index: 0, part })
    const item = { id: itemId, type: 'message', status: 'completed', role: 'assistant', content: [part] }
    ev('response.output_item.done', { output_index: index, item })
    output.push(item)
    index++
  }
  calls.forEach((call, i) => {
    const itemId = `fc_${ctx.n}_${i}`
    const callId = call.id ?? `call_${ctx.n}_${i}`
    const args = argsText(call.args)
    ev('response.output_item.added', {
      output_index: index,
      item: { id: itemId, type: 'function_call', status: 'in_progress', arguments: '', call_id: callId, name: call.name }
    })
    for (const piece of splitArgs(args)) {
      ev('response.function_call_arguments.delta', { item_id: itemId, output_index: index, delta: piece })
    }
    ev('response.function_call_arguments.done', { item_id: itemId, output_index: index, arguments: args })
    const item = { id: itemId, type: 'function_call', status: 'completed', arguments: args, call_id: callId, name: call.name }
    ev('response.output_item.done', { output_index: index, item })
    output.push(item)
    index++
  })
  ev('response.completed', {
    response: shell('completed', output, {
      input_tokens: 42,
      input_tokens_details: { cached_tokens: 0 },
      output_tokens: 7,
      output_tokens_details: { reasoning_tokens: 0 },
      total_tokens: 49
    })
  })
  return frames
}

// Anthropic Messages: message_start, content blocks, message_delta, message_stop.
function anthropicFrames(text: string, calls: ScriptedToolCall[], ctx: Ctx): Frame[] {
  const frames: Frame[] = []
  const ev = (type: string, payload: Record<string, unknown>) => frames.push({ event: type, data: json({ type, ...payload }) })
  ev('message_start', {
    message: {
      id: `msg_${ctx.n}`,
      type: 'message',
      role: 'assistant',
      content: [],
      model: ctx.model,
      stop_reason: null,
      stop_sequence: null,
      usage: { input_tokens: 42, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: 1 }
    }
  })
  let index = 0
  if (text) {
    ev('content_block_start', { index, content_block: { type: 'text', text: '' } })
    ev('ping', {})
    for (const piece of splitText(text)) ev('content_block_delta', { index, delta: { type: 'text_delta', text: piece } })
    ev('content_block_stop', { index })
    index++
  }
  calls.forEach((call, i) => {
    const id = call.id ?? `toolu_${ctx.n}_${i}`
    ev('content_block_start', { index, content_block: { type: 'tool_use', id, name: call.name, input: {} } })
    for (const piece of splitArgs(argsText(call.args))) {
      ev('content_block_delta', { index, delta: { type: 'input_json_delta', partial_json: piece } })
    }
    ev('content_block_stop', { index })
    index++
  })
  ev('message_delta', {
    delta: { stop_reason: calls.length ? 'tool_use' : 'end_turn', stop_sequence: null },
    usage: { output_tokens: 7 }
  })
  ev('message_stop', {})
  return frames
}

// ---- a loopback HTTP proxy ---------------------------------------------------------------------

export interface ProxiedRequest {
  /** 'CONNECT' for a tunnel, else the forwarded method. */
  method: string
  /** host:port the client asked to reach. */
  target: string
}

export interface HttpProxy {
  /** http://127.0.0.1:PORT, for HTTP_PROXY / HTTPS_PROXY. */
  readonly url: string
  readonly seen: ProxiedRequest[]
  close(): Promise<void>
}

/** A forward proxy on 127.0.0.1: tunnels CONNECT (what HTTPS_PROXY clients use) and forwards absolute-URI requests. */
export async function startHttpProxy(): Promise<HttpProxy> {
  const seen: ProxiedRequest[] = []
  const sockets = new Set<Socket>()
  const server = createServer((req, res) => {
    // A plain forwarded request: GET http://host:port/path
    let target: URL
    try {
      target = new URL(req.url ?? '')
    } catch {
      res.writeHead(400).end()
      return
    }
    seen.push({ method: req.method ?? '', target: target.host })
    const upstream = httpRequest(
      { host: target.hostname, port: target.port || 80, method: req.method, path: `${target.pathname}${target.search}`, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers)
        answer.pipe(res)
      }
    )
    upstream.on('error', () => res.writeHead(502).end())
    req.pipe(upstream)
  })
  server.on('connect', (req: IncomingMessage, client: Socket, head: Buffer) => {
    const target = req.url ?? ''
    seen.push({ method: 'CONNECT', target })
    const [host, port] = target.split(/:(?=\d+$)/)
    let established = false
    const upstream = connect(Number(port) || 443, host ?? '', () => {
      established = true
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n')
      if (head.length) upstream.write(head)
      upstream.pipe(client)
      client.pipe(upstream)
    })
    sockets.add(upstream)
    upstream.on('close', () => sockets.delete(upstream))
    // An unreachable target is answered as real proxies do: 502, then close.
    upstream.on('error', () => (established ? client.destroy() : client.end('HTTP/1.1 502 Bad Gateway\r\ncontent-length: 0\r\n\r\n')))
    client.on('error', () => upstream.destroy())
  })
  server.on('connection', (socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy()
        server.close(() => resolve())
      })
  }
}
