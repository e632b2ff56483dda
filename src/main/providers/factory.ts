// Builds a real provider client (the AI SDK's own provider packages) for a configuration, and
// the catalogue that the settings screen and the consent text are made from.
// Base URLs and keys are always passed explicitly (never read from the environment), so the
// endpoint the user consented to is the endpoint that is called. The one thing taken from the
// environment is the proxy (proxy.ts), which changes the route, not the receiver.
import { createAnthropic } from '@ai-sdk/anthropic'
import { createOpenAI } from '@ai-sdk/openai'
import { createOpenAICompatible } from '@ai-sdk/openai-compatible'
import type { LanguageModel } from 'ai'
import type { ProviderKind } from '../../shared/domain'
import { proxyFetch } from './proxy'

export type OpenAIApi = 'chat' | 'responses'

/** What every kind may add: the fetch to use (the proxy-aware one by default) and gateway headers. */
interface CommonConfig {
  fetch?: typeof fetch
  /** Extra headers for gateways; never overrides the authentication the provider needs. */
  headers?: Record<string, string>
}

export type ModelConfig = CommonConfig &
  (
    | { kind: 'openai'; model: string; apiKey: string; baseURL?: string; api?: OpenAIApi; organization?: string; project?: string }
    | { kind: 'anthropic'; model: string; apiKey: string; baseURL?: string }
    | { kind: 'openai-compatible'; model: string; baseURL: string; apiKey?: string }
    | { kind: 'deepseek'; model: string; apiKey: string; baseURL?: string }
  )

export type RealProviderKind = Exclude<ProviderKind, 'demo'>

export interface ProviderInfo {
  kind: ProviderKind
  displayName: string
  defaultModel: string
  /** null for the demo (runs inside the app) */
  defaultBaseURL: string | null
  requiresApiKey: boolean
  /** The provider's terms for data sent through its API; null when unknown (self-hosted endpoints). */
  termsUrl: string | null
  /** Who operates the provider's own endpoint (defaultBaseURL's host); null for self-hosted kinds. */
  operator: string | null
  /** Said on the consent screen after who receives the data, when there is something to add. */
  dataNote?: string
}

export const DEMO_PROVIDER_ID = 'countersign-demo'
export const DEMO_DISPLAY_NAME = 'Countersign demo assistant (offline)'
export const DEMO_MODEL_ID = 'countersign-demo-v1'

export const providerCatalogue: Record<ProviderKind, ProviderInfo> = {
  demo: {
    kind: 'demo',
    displayName: DEMO_DISPLAY_NAME,
    defaultModel: DEMO_MODEL_ID,
    defaultBaseURL: null,
    requiresApiKey: false,
    termsUrl: null,
    operator: null
  },
  openai: {
    kind: 'openai',
    displayName: 'OpenAI',
    defaultModel: 'gpt-5.4-mini',
    defaultBaseURL: 'https://api.openai.com/v1',
    requiresApiKey: true,
    termsUrl: 'https://openai.com/policies/api-data-usage-policies',
    operator: 'OpenAI'
  },
  anthropic: {
    kind: 'anthropic',
    displayName: 'Anthropic',
    defaultModel: 'claude-sonnet-4-5',
    defaultBaseURL: 'https://api.anthropic.com/v1',
    requiresApiKey: true,
    termsUrl: 'https://www.anthropic.com/legal/commercial-terms',
    operator: 'Anthropic'
  },
  'openai-compatible': {
    kind: 'openai-compatible',
    displayName: 'OpenAI-compatible endpoint',
    defaultModel: 'llama3.1',
    // Ollama's OpenAI-compatible endpoint on this machine: the way to keep data local.
    defaultBaseURL: 'http://127.0.0.1:11434/v1',
    requiresApiKey: false,
    termsUrl: null,
    operator: null
  },
  // DeepSeek's own API speaks the OpenAI Chat Completions format.
  deepseek: {
    kind: 'deepseek',
    displayName: 'DeepSeek',
    defaultModel: 'deepseek-chat',
    defaultBaseURL: 'https://api.deepseek.com/v1',
    requiresApiKey: true,
    termsUrl: 'https://cdn.deepseek.com/policies/en-US/deepseek-open-platform-terms-of-service.html',
    operator: 'DeepSeek',
    dataNote: "DeepSeek's privacy policy says it stores the data it receives on servers in the People's Republic of China"
  }
}

/** Examples the settings screen offers for the OpenAI-compatible kind. */
export const compatibleEndpointExamples = [
  { name: 'Ollama (this computer)', baseURL: 'http://127.0.0.1:11434/v1', model: 'llama3.1' },
  { name: 'LM Studio (this computer)', baseURL: 'http://127.0.0.1:1234/v1', model: 'qwen2.5-7b-instruct' },
  { name: 'vLLM (this computer)', baseURL: 'http://127.0.0.1:8000/v1', model: 'meta-llama/Llama-3.1-8B-Instruct' },
  {
    name: 'Azure OpenAI (v1 API)',
    baseURL: 'https://YOUR-RESOURCE.openai.azure.com/openai/v1',
    model: 'your-deployment-name'
  }
] as const

/** Parses and normalises a base URL; throws a user-facing Error when it is not http(s). */
export function parseBaseURL(baseURL: string): URL {
  let url: URL
  try {
    url = new URL(baseURL.trim())
  } catch {
    throw new Error(`"${baseURL}" is not a valid address. Use a full URL such as http://127.0.0.1:11434/v1.`)
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(`The endpoint must use http or https, not ${url.protocol.replace(':', '')}.`)
  }
  if (url.username || url.password) {
    throw new Error('Put credentials in the API key field, not in the address.')
  }
  return url
}

export function effectiveBaseURL(kind: RealProviderKind, baseURL?: string | null): string {
  const chosen = baseURL?.trim() || providerCatalogue[kind].defaultBaseURL
  if (!chosen) throw new Error('An OpenAI-compatible endpoint needs a base URL.')
  return chosen
}

/** The host (with a non-default port) requests go to: what consent is given for. */
export function endpointHostOf(baseURL: string): string {
  return parseBaseURL(baseURL).host.toLowerCase()
}

/** True when the endpoint is this machine (127.0.0.0/8, localhost, ::1): nothing leaves it. */
export function isLocalHost(hostOrHostPort: string): boolean {
  let hostname = hostOrHostPort.toLowerCase()
  try {
    hostname = new URL(`http://${hostOrHostPort}`).hostname.toLowerCase()
  } catch {
    // keep as given
  }
  hostname = hostname.replace(/^\[|\]$/g, '')
  return (
    hostname === 'localhost' ||
    hostname.endsWith('.localhost') ||
    hostname === '::1' ||
    /^127(\.\d{1,3}){3}$/.test(hostname)
  )
}

/** Display name of a provider at an endpoint; compatible endpoints are named after well-known servers. */
export function providerDisplayName(kind: ProviderKind, endpointHost: string | null): string {
  if (kind !== 'openai-compatible' && endpointHost && !isOwnEndpoint(kind, endpointHost)) {
    // A gateway or proxy that speaks this provider's API: named by its host, not by the provider.
    return `${providerCatalogue[kind].displayName}-style API at ${endpointHost}`
  }
  if (kind !== 'openai-compatible' || !endpointHost) return providerCatalogue[kind].displayName
  const host = endpointHost.toLowerCase()
  const local = isLocalHost(host)
  if (/\.openai\.azure\.com$|\.services\.ai\.azure\.com$|\.cognitiveservices\.azure\.com$/.test(host.split(':')[0] ?? '')) {
    return 'Azure OpenAI (OpenAI-compatible)'
  }
  if (local && host.endsWith(':11434')) return 'Ollama (on this computer)'
  if (local && host.endsWith(':1234')) return 'LM Studio (on this computer)'
  if (local) return 'OpenAI-compatible endpoint (on this computer)'
  return 'OpenAI-compatible endpoint'
}

/** True when `endpointHost` is the provider's own API host (not a gateway set by the user). */
export function isOwnEndpoint(kind: ProviderKind, endpointHost: string): boolean {
  const own = providerCatalogue[kind].defaultBaseURL
  return own !== null && providerCatalogue[kind].operator !== null && endpointHostOf(own) === endpointHost.toLowerCase()
}

/**
 * Who receives the data at an endpoint, as far as Countersign can know: the provider at its own
 * host, this computer for a loopback address, Microsoft for Azure OpenAI hosts; otherwise nobody
 * known (a company gateway or any other server), and the consent says so.
 */
export function endpointOperator(kind: ProviderKind, endpointHost: string | null): { name: string | null; termsUrl: string | null } {
  if (kind === 'demo' || !endpointHost) return { name: null, termsUrl: null }
  if (isLocalHost(endpointHost)) return { name: 'this computer', termsUrl: null }
  if (isOwnEndpoint(kind, endpointHost)) return { name: providerCatalogue[kind].operator, termsUrl: providerCatalogue[kind].termsUrl }
  if (/\.openai\.azure\.com$|\.services\.ai\.azure\.com$|\.cognitiveservices\.azure\.com$/.test(endpointHost.split(':')[0] ?? '')) {
    return { name: 'Microsoft (Azure OpenAI)', termsUrl: 'https://learn.microsoft.com/legal/cognitive-services/openai/data-privacy' }
  }
  return { name: null, termsUrl: null }
}

/** Who processes the data under which terms. */
export function dataTerms(kind: ProviderKind, endpointHost: string | null): { url: string | null; holder: string } {
  if (kind === 'demo') return { url: null, holder: 'this app (nothing leaves your computer)' }
  const operator = endpointOperator(kind, endpointHost)
  return { url: operator.termsUrl, holder: operator.name ?? `the operator of ${endpointHost ?? 'that endpoint'}` }
}

function isAzureHost(url: URL): boolean {
  return /\.openai\.azure\.com$|\.services\.ai\.azure\.com$|\.cognitiveservices\.azure\.com$/.test(url.hostname)
}

/** Splits `?api-version=…` (Azure-style) off a base URL so the client appends paths before it. */
function splitQuery(baseURL: string): { base: string; query: Record<string, string> } {
  const url = parseBaseURL(baseURL)
  const query: Record<string, string> = {}
  url.searchParams.forEach((value, key) => {
    query[key] = value
  })
  url.search = ''
  url.hash = ''
  return { base: url.toString().replace(/\/+$/, ''), query }
}

/** A real provider client for `config`. Sends nothing until the model is called. */
export function createLanguageModel(config: ModelConfig): LanguageModel {
  const baseFetch = config.fetch ?? proxyFetch()
  const headers = config.headers && Object.keys(config.headers).length ? config.headers : undefined
  switch (config.kind) {
    case 'openai': {
      if (!config.apiKey) throw new Error('OpenAI needs an API key.')
      const { base, query } = splitQuery(effectiveBaseURL('openai', config.baseURL))
      const provider = createOpenAI({
        apiKey: config.apiKey,
        baseURL: base,
        ...(config.organization ? { organization: config.organization } : {}),
        ...(config.project ? { project: config.project } : {}),
        ...(headers ? { headers } : {}),
        fetch: Object.keys(query).length ? withQuery(query, baseFetch) : baseFetch
      })
      return (config.api ?? 'responses') === 'chat' ? provider.chat(config.model) : provider.responses(config.model)
    }
    case 'anthropic': {
      if (!config.apiKey) throw new Error('Anthropic needs an API key.')
      const { base } = splitQuery(effectiveBaseURL('anthropic', config.baseURL))
      return createAnthropic({ apiKey: config.apiKey, baseURL: base, ...(headers ? { headers } : {}), fetch: baseFetch })(config.model)
    }
    case 'deepseek': {
      if (!config.apiKey) throw new Error('DeepSeek needs an API key.')
      const { base } = splitQuery(effectiveBaseURL('deepseek', config.baseURL))
      const provider = createOpenAICompatible({
        name: 'deepseek',
        baseURL: base,
        apiKey: config.apiKey,
        includeUsage: true,
        ...(headers ? { headers } : {}),
        fetch: baseFetch
      })
      return provider.chatModel(config.model)
    }
    case 'openai-compatible': {
      const url = parseBaseURL(effectiveBaseURL('openai-compatible', config.baseURL))
      const { base, query } = splitQuery(url.toString())
      const azure = isAzureHost(url)
      const provider = createOpenAICompatible({
        name: 'openai-compatible',
        baseURL: base,
        includeUsage: true,
        // Azure takes its key in `api-key`; everyone else in `Authorization: Bearer`.
        ...(config.apiKey ? (azure ? { headers: { ...headers, 'api-key': config.apiKey } } : { apiKey: config.apiKey, ...(headers ? { headers } : {}) }) : headers ? { headers } : {}),
        ...(Object.keys(query).length ? { queryParams: query } : {}),
        fetch: baseFetch
      })
      return provider.chatModel(config.model)
    }
  }
}

/** Headers for a plain request to the endpoint (the model list), the way each client authenticates. */
export function authHeaders(config: {
  kind: Exclude<ProviderKind, 'demo'>
  baseURL: string
  apiKey?: string | null
  organization?: string | null
  project?: string | null
  headers?: Record<string, string>
}): Record<string, string> {
  const out: Record<string, string> = { ...config.headers }
  if (config.kind === 'anthropic') {
    if (config.apiKey) out['x-api-key'] = config.apiKey
    out['anthropic-version'] = '2023-06-01'
    return out
  }
  if (config.apiKey) {
    if (config.kind === 'openai-compatible' && isAzureHost(parseBaseURL(config.baseURL))) out['api-key'] = config.apiKey
    else out.authorization = `Bearer ${config.apiKey}`
  }
  if (config.kind === 'openai') {
    if (config.organization) out['OpenAI-Organization'] = config.organization
    if (config.project) out['OpenAI-Project'] = config.project
  }
  return out
}

/** The URL of the endpoint's model list (`GET {base}/models`, with any query the base URL carries). */
export function modelsURL(kind: Exclude<ProviderKind, 'demo'>, baseURL: string): string {
  const { base, query } = splitQuery(effectiveBaseURL(kind, baseURL))
  const url = new URL(`${base}/models`)
  for (const [key, value] of Object.entries(query)) url.searchParams.set(key, value)
  return url.toString()
}

function withQuery(query: Record<string, string>, inner: typeof fetch): typeof fetch {
  return (input, init) => {
    const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url)
    for (const [key, value] of Object.entries(query)) url.searchParams.set(key, value)
    return inner(url, init)
  }
}
