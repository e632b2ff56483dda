import type { ActionView, AppState, ConsentText, ConversationSummary, Entry, ProviderProfileView, ProviderView, SettingsView } from '../../../shared/domain'

export const HASH_A = 'a'.repeat(64)
export const HASH_B = 'b'.repeat(64)

export function demoProvider(overrides: Partial<ProviderView> = {}): ProviderView {
  return {
    kind: 'demo',
    name: 'Demo assistant',
    model: 'demo',
    baseURL: null,
    endpointHost: null,
    hasApiKey: false,
    local: true,
    consent: null,
    ready: true,
    ...overrides
  }
}

export function appState(overrides: Partial<AppState> = {}): AppState {
  return {
    user: { id: 'u-finance', name: 'Fiona Finch', login: 'fiona', groups: ['Finance'], principal: 'sample|sample%3A|workspace|u-finance' },
    account: { id: 'acc-1', kind: 'sample', label: 'Sample workspace', login: 'fiona', serverUrl: null, database: null },
    accounts: [{ id: 'acc-1', kind: 'sample', label: 'Sample workspace', login: 'fiona', serverUrl: null, database: null }],
    sampleUsers: [
      { login: 'sam', name: 'Sam Seller', role: 'Sales rep' },
      { login: 'fiona', name: 'Fiona Finch', role: 'Finance' },
      { login: 'mia', name: 'Mia Manager', role: 'Manager' }
    ],
    sessionProblem: null,
    provider: demoProvider(),
    allowed: true,
    accessReason: null,
    ...overrides
  }
}

export function signedOut(): AppState {
  return appState({ user: null, account: null, accounts: [] })
}

export function conversation(overrides: Partial<ConversationSummary> = {}): ConversationSummary {
  return { id: 'c1', title: 'Deals this week', principal: 'u-finance', createdAt: 1000, updatedAt: 2000, status: 'idle', ...overrides }
}

export function action(overrides: Partial<ActionView> = {}): ActionView {
  const now = Date.now()
  return {
    id: 'act-1',
    conversationId: 'c1',
    toolCallId: 'tc-1',
    ability: 'crm.updateRecord',
    abilityTitle: 'Update a record',
    hash: HASH_A,
    state: 'pending',
    card: {
      summary: 'Move deal “Acme renewal” to stage Negotiation and set its amount to 12,000.',
      detail: {
        kind: 'update',
        record: { type: 'deal', id: 'd-7', label: 'Acme renewal' },
        changes: [
          { field: 'stage', label: 'Stage', before: 'Proposal', after: 'Negotiation' },
          { field: 'amount', label: 'Amount', before: '10,000', after: '12,000' },
          { field: 'owner', label: 'Owner', before: 'Sam Seller', after: 'Sam Seller' }
        ]
      }
    },
    principal: 'u-finance',
    userName: 'Fiona Finch',
    createdAt: now - 60_000,
    expiresAt: now + (47 * 60 + 12) * 60_000 + 30_000,
    decidedAt: null,
    declineReason: null,
    resultSummary: null,
    error: null,
    supersededBy: null,
    ...overrides
  }
}

export function userEntry(id: string, text: string): Entry {
  return { kind: 'user', id, at: 1000, text }
}

export function assistantEntry(id: string, text: string, streaming = false): Entry {
  return { kind: 'assistant', id, at: 1001, text, streaming }
}

export function toolEntry(overrides: Partial<Extract<Entry, { kind: 'tool' }>> = {}): Entry {
  return {
    kind: 'tool',
    id: 'e-tool',
    at: 1002,
    toolCallId: 'tc-1',
    ability: 'crm.updateRecord',
    title: 'Update a record',
    effect: 'write',
    inputText: 'deal d-7: stage=Negotiation, amount=12000',
    status: 'waiting',
    resultText: null,
    actionId: 'act-1',
    ...overrides
  }
}

export function settingsView(overrides: Partial<SettingsView> = {}): SettingsView {
  return {
    expiryHours: 48,
    policy: [
      {
        ability: { name: 'crm.search', title: 'Search records', effect: 'read', description: 'Find records', summary: 'Find records' },
        setting: 'default',
        decision: 'allow',
        reason: 'Reads run without asking',
        lockedBy: null
      },
      {
        ability: { name: 'crm.sendMessage', title: 'Send a message', effect: 'write', description: 'Email a contact', summary: 'Email a contact' },
        setting: 'default',
        decision: 'ask',
        reason: 'Writes ask first',
        lockedBy: 'your IT department'
      }
    ],
    ...overrides
  }
}

export function consentText(overrides: Partial<ConsentText> = {}): ConsentText {
  return {
    wordingVersion: '2025-01',
    providerName: 'OpenAI',
    endpointHost: 'api.openai.com',
    local: false,
    whatIsSent: ['Your messages in the conversation', 'The records the assistant reads for your request'],
    termsUrl: 'https://openai.com/policies/api-data-usage-policies',
    ...overrides
  }
}

export function providerProfile(overrides: Partial<ProviderProfileView> = {}): ProviderProfileView {
  return {
    id: 'p-1',
    label: 'OpenAI',
    kind: 'openai',
    name: 'OpenAI',
    model: 'gpt-5.4-mini',
    baseURL: 'https://api.openai.com/v1',
    endpointHost: 'api.openai.com',
    api: 'responses',
    hasApiKey: true,
    headerNames: [],
    organization: null,
    project: null,
    openaiStore: false,
    generation: {},
    local: false,
    consent: { userId: 'u-finance', at: Date.UTC(2025, 0, 5), provider: 'openai', providerName: 'OpenAI', endpointHost: 'api.openai.com', wordingVersion: '2025-01' },
    ready: true,
    active: true,
    ...overrides
  }
}
