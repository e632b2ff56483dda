// Every provider request goes through this fetch: undici's EnvHttpProxyAgent, which honours
// HTTPS_PROXY / HTTP_PROXY / NO_PROXY (and their lower-case forms) the way curl and most desktop
// tools do. The agent is built from the environment as it is when a model is created, and reused
// while the environment stays the same, so connections are pooled and a changed proxy setting
// takes effect for the next request without a restart.
import { EnvHttpProxyAgent, fetch as undiciFetch } from 'undici'

type Env = Record<string, string | undefined>

const PROXY_VARS = ['https_proxy', 'HTTPS_PROXY', 'http_proxy', 'HTTP_PROXY', 'no_proxy', 'NO_PROXY'] as const

let cached: { signature: string; agent: EnvHttpProxyAgent } | null = null

function agentFor(env: Env): EnvHttpProxyAgent {
  const signature = PROXY_VARS.map((name) => `${name}=${env[name] ?? ''}`).join('\n')
  if (cached?.signature === signature) return cached.agent
  const previous = cached?.agent
  const pick = (lower: string, upper: string) => env[lower] ?? env[upper]
  const agent = new EnvHttpProxyAgent({
    // http:// endpoints are forwarded as plain proxied requests (as curl does); https:// ones tunnel through CONNECT.
    proxyTunnel: false,
    httpProxy: pick('http_proxy', 'HTTP_PROXY'),
    httpsProxy: pick('https_proxy', 'HTTPS_PROXY'),
    noProxy: pick('no_proxy', 'NO_PROXY')
  })
  cached = { signature, agent }
  // Requests still running on the old agent finish; it then closes.
  void previous?.close().catch(() => undefined)
  return agent
}

/** A fetch for provider clients that routes through the proxy the environment names, if any. */
export function proxyFetch(env: Env = process.env): typeof fetch {
  const dispatcher = agentFor(env)
  const wrapped = (input: Parameters<typeof fetch>[0], init?: Parameters<typeof fetch>[1]) =>
    undiciFetch(input as Parameters<typeof undiciFetch>[0], { ...(init as Parameters<typeof undiciFetch>[1]), dispatcher })
  return wrapped as unknown as typeof fetch
}
