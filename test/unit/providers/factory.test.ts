import { describe, expect, it } from 'vitest'
import {
  authHeaders,
  createLanguageModel,
  dataTerms,
  endpointOperator,
  modelsURL,
  endpointHostOf,
  isLocalHost,
  parseBaseURL,
  providerCatalogue,
  providerDisplayName
} from '../../../src/main/providers/factory'

describe('provider catalogue', () => {
  it('names each provider, its default model, base URL and data terms', () => {
    expect(providerCatalogue.openai).toMatchObject({ displayName: 'OpenAI', defaultBaseURL: 'https://api.openai.com/v1', termsUrl: 'https://openai.com/policies/api-data-usage-policies' })
    expect(providerCatalogue.anthropic).toMatchObject({ displayName: 'Anthropic', defaultBaseURL: 'https://api.anthropic.com/v1', termsUrl: 'https://www.anthropic.com/legal/commercial-terms' })
    expect(providerCatalogue['openai-compatible']).toMatchObject({ defaultBaseURL: 'http://127.0.0.1:11434/v1', requiresApiKey: false, termsUrl: null })
    expect(providerCatalogue.demo.displayName).toBe('Countersign demo assistant (offline)')
    for (const info of Object.values(providerCatalogue)) expect(info.defaultModel).not.toBe('')
    expect(dataTerms('openai-compatible', 'llm.example.net')).toEqual({ url: null, holder: 'the operator of llm.example.net' })
  })

  it('knows which endpoints are on this machine', () => {
    for (const host of ['127.0.0.1', '127.0.0.1:11434', 'localhost:1234', 'LOCALHOST', '[::1]:8000', '::1', '127.1.2.3']) expect(isLocalHost(host), host).toBe(true)
    for (const host of ['api.openai.com', '10.0.0.5:8000', 'localhost.example.com', '192.168.1.10:11434', '128.0.0.1']) expect(isLocalHost(host), host).toBe(false)
    expect(endpointHostOf('http://LocalHost:11434/v1')).toBe('localhost:11434')
    expect(endpointHostOf('https://api.openai.com/v1')).toBe('api.openai.com')
  })

  it('names well-known compatible servers', () => {
    expect(providerDisplayName('openai-compatible', '127.0.0.1:11434')).toBe('Ollama (on this computer)')
    expect(providerDisplayName('openai-compatible', 'localhost:1234')).toBe('LM Studio (on this computer)')
    expect(providerDisplayName('openai-compatible', 'myres.openai.azure.com')).toBe('Azure OpenAI (OpenAI-compatible)')
    expect(providerDisplayName('openai-compatible', 'vllm.internal:8000')).toBe('OpenAI-compatible endpoint')
  })

  it('refuses addresses that are not http(s) or carry credentials', () => {
    expect(() => parseBaseURL('file:///etc/passwd')).toThrow(/http or https/)
    expect(() => parseBaseURL('not a url')).toThrow(/not a valid address/)
    expect(() => parseBaseURL('https://user:pw@host/v1')).toThrow(/API key field/)
  })

  it('builds the real clients', () => {
    const responses = createLanguageModel({ kind: 'openai', model: 'gpt-5.4-mini', apiKey: 'sk-x' }) as { provider: string; modelId: string }
    expect(responses.provider).toBe('openai.responses')
    const chat = createLanguageModel({ kind: 'openai', api: 'chat', model: 'gpt-5.4-mini', apiKey: 'sk-x' }) as { provider: string }
    expect(chat.provider).toBe('openai.chat')
    const anthropic = createLanguageModel({ kind: 'anthropic', model: 'claude-sonnet-4-5', apiKey: 'sk-ant-x' }) as { provider: string }
    expect(anthropic.provider).toBe('anthropic.messages')
    const compatible = createLanguageModel({ kind: 'openai-compatible', model: 'llama3.1', baseURL: 'http://127.0.0.1:11434/v1' }) as { provider: string; modelId: string }
    expect(compatible).toMatchObject({ provider: 'openai-compatible.chat', modelId: 'llama3.1' })
    expect(() => createLanguageModel({ kind: 'openai', model: 'x', apiKey: '' })).toThrow(/needs an API key/)
  })

  it('knows who operates an endpoint only when it can', () => {
    expect(endpointOperator('openai', 'api.openai.com')).toEqual({ name: 'OpenAI', termsUrl: 'https://openai.com/policies/api-data-usage-policies' })
    expect(endpointOperator('deepseek', 'api.deepseek.com').name).toBe('DeepSeek')
    expect(endpointOperator('openai', 'llm-gateway.corp.example')).toEqual({ name: null, termsUrl: null })
    expect(endpointOperator('anthropic', 'api.anthropic.com.evil.example')).toEqual({ name: null, termsUrl: null })
    expect(endpointOperator('openai-compatible', '127.0.0.1:11434').name).toBe('this computer')
    expect(endpointOperator('openai-compatible', 'res.openai.azure.com').name).toBe('Microsoft (Azure OpenAI)')
    expect(providerDisplayName('openai', 'llm-gateway.corp.example')).toBe('OpenAI-style API at llm-gateway.corp.example')
    expect(providerDisplayName('anthropic', 'api.anthropic.com')).toBe('Anthropic')
  })

  it('authenticates a model-list request the way each client does', () => {
    expect(authHeaders({ kind: 'anthropic', baseURL: 'https://api.anthropic.com/v1', apiKey: 'k' })).toEqual({ 'x-api-key': 'k', 'anthropic-version': '2023-06-01' })
    expect(authHeaders({ kind: 'openai', baseURL: 'https://api.openai.com/v1', apiKey: 'k', organization: 'org', project: 'proj', headers: { 'X-A': '1' } })).toEqual({
      'X-A': '1',
      authorization: 'Bearer k',
      'OpenAI-Organization': 'org',
      'OpenAI-Project': 'proj'
    })
    expect(authHeaders({ kind: 'openai-compatible', baseURL: 'https://r.openai.azure.com/openai/v1?api-version=preview', apiKey: 'k' })).toEqual({ 'api-key': 'k' })
    expect(authHeaders({ kind: 'openai-compatible', baseURL: 'http://127.0.0.1:11434/v1' })).toEqual({})
    expect(modelsURL('openai-compatible', 'https://r.openai.azure.com/openai/v1?api-version=preview')).toBe('https://r.openai.azure.com/openai/v1/models?api-version=preview')
    expect(modelsURL('deepseek', '')).toBe('https://api.deepseek.com/v1/models')
  })

  it('builds DeepSeek on the OpenAI-compatible client', () => {
    const deepseek = createLanguageModel({ kind: 'deepseek', model: 'deepseek-chat', apiKey: 'sk-x' }) as { provider: string; modelId: string }
    expect(deepseek).toMatchObject({ provider: 'deepseek.chat', modelId: 'deepseek-chat' })
    expect(() => createLanguageModel({ kind: 'deepseek', model: 'x', apiKey: '' })).toThrow(/needs an API key/)
  })
})
