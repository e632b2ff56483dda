// The one IPC contract. Every request and every pushed event is defined here once, with a
// runtime schema. Main's handler map, the preload's functions and the headless host's
// browser client are all typed from these two objects.
import { z } from 'zod'
import { activityFiltersSchema, activityPageSchema, activitySettingsSchema, chainReportSchema, setPriceInputSchema } from './activity'
import {
  actionViewSchema,
  appStateSchema,
  confirmationSettingSchema,
  consentRecordSchema,
  consentTextSchema,
  conversationSchema,
  conversationSummarySchema,
  entrySchema,
  generationSettingsSchema,
  providerKindSchema,
  providerViewSchema,
  settingsViewSchema
} from './domain'
import { adminPolicyViewSchema, orgPolicySchema } from './org-policy'

const id = z.string().min(1).max(200)

/** One page of the inbox: what waits (sorted by time left or newest first), or what was decided,
 *  filtered. The cursor is opaque and comes from the previous page; `limit: 0` asks for the total only. */
export const inboxPageInputSchema = z
  .object({
    list: z.enum(['waiting', 'decided']),
    sort: z.enum(['time_left', 'newest']).optional(),
    filter: z.enum(['all', 'approved', 'declined', 'expired', 'failed', 'superseded']).optional(),
    cursor: z.string().max(300).optional(),
    limit: z.number().int().min(0).max(200)
  })
  .strict()
export const inboxPageSchema = z.object({ items: z.array(actionViewSchema), total: z.number().int().min(0), nextCursor: z.string().nullable() })
const ok = z.object({ ok: z.literal(true) })

/** What choosing a provider led to: saved at once (consent already on record), or held aside until consent. */
const prepareResultSchema = z.discriminatedUnion('status', [
  z.object({ status: z.literal('saved'), view: providerViewSchema, consent: consentRecordSchema.nullable() }),
  z.object({ status: z.literal('needs-consent'), consent: consentTextSchema })
])

export const requests = {
  'app.getState': { input: z.object({}).strict(), output: appStateSchema },
  /** A link from an answer, confirmed by the user. Main checks it (https only) and opens it, or,
   *  in the headless host, returns the checked address for the browser tab to open. */
  'app.openExternal': {
    input: z.object({ url: z.string().min(1).max(2000) }).strict(),
    output: z.discriminatedUnion('outcome', [
      z.object({ outcome: z.literal('opened') }),
      z.object({ outcome: z.literal('open_in_browser'), url: z.string() }),
      z.object({ outcome: z.literal('refused'), reason: z.string() })
    ])
  },

  'conversations.list': { input: z.object({}).strict(), output: z.array(conversationSummarySchema) },
  'conversations.get': { input: z.object({ conversationId: id }).strict(), output: conversationSchema },
  'conversations.create': { input: z.object({}).strict(), output: conversationSummarySchema },
  'conversations.send': {
    input: z.object({ conversationId: id, text: z.string().min(1).max(20_000) }).strict(),
    output: ok
  },
  'conversations.stop': { input: z.object({ conversationId: id }).strict(), output: ok },
  'conversations.retry': { input: z.object({ conversationId: id }).strict(), output: ok },
  'conversations.rename': { input: z.object({ conversationId: id, title: z.string().max(500) }).strict(), output: conversationSummarySchema },
  /** Refused while an action in it waits, runs or needs settling; the audit trail and the ledger keep their records. */
  'conversations.delete': { input: z.object({ conversationId: id }).strict(), output: ok },
  'conversations.search': {
    input: z.object({ query: z.string().max(200) }).strict(),
    output: z.array(conversationSummarySchema.extend({ snippet: z.string() }))
  },
  /** After Stop: the partial answer becomes part of what the model reads, as the user chose. */
  'conversations.keepStopped': { input: z.object({ conversationId: id, entryId: id }).strict(), output: ok },

  /** Everything that needs the user: pending actions and outcomes to settle, across conversations. */
  'actions.inbox': { input: z.object({}).strict(), output: z.array(actionViewSchema) },
  'actions.inboxPage': { input: inboxPageInputSchema, output: inboxPageSchema },
  'actions.forConversation': { input: z.object({ conversationId: id }).strict(), output: z.array(actionViewSchema) },
  /** A decision names the action and the hash shown on its card; main checks both. */
  'actions.decide': {
    input: z
      .object({
        actionId: id,
        hash: z.string().regex(/^[0-9a-f]{64}$/),
        decision: z.enum(['approve', 'decline']),
        reason: z.string().max(2000).optional()
      })
      .strict(),
    output: actionViewSchema
  },
  /**
   * The person changes a proposal before approving it: checked like a proposal (schema, safe text,
   * policy, current data), it becomes a new card with a new hash; the one edited is replaced.
   */
  'actions.edit': {
    input: z.object({ actionId: id, hash: z.string().regex(/^[0-9a-f]{64}$/), input: z.record(z.string(), z.unknown()) }).strict(),
    output: actionViewSchema
  },
  /** An action that expired without a decision, proposed afresh with a new card in its conversation. */
  'actions.askAgain': { input: z.object({ actionId: id }).strict(), output: actionViewSchema },
  /** For an action whose outcome is unknown: the user says it happened, or asks to run it again. */
  'actions.settle': {
    input: z
      .object({
        actionId: id,
        hash: z.string().regex(/^[0-9a-f]{64}$/),
        resolution: z.enum(['mark_done', 'run_again'])
      })
      .strict(),
    output: actionViewSchema
  },

  'settings.get': { input: z.object({}).strict(), output: settingsViewSchema },
  'settings.setConfirmation': {
    input: z.object({ ability: id, setting: confirmationSettingSchema }).strict(),
    output: settingsViewSchema
  },
  'settings.setExpiryHours': {
    input: z.object({ hours: z.number('Choose between 1 and 336 hours.').int('Choose a whole number of hours, between 1 and 336.').min(1, 'Choose between 1 and 336 hours.').max(24 * 14, 'Choose between 1 and 336 hours.') }).strict(),
    output: settingsViewSchema
  },

  'accounts.signIn': {
    input: z.discriminatedUnion('kind', [
      z.object({ kind: z.literal('sample'), login: z.string().min(1).max(100) }).strict(),
      z
        .object({
          kind: z.literal('tryton'),
          serverUrl: z.string().url().max(500),
          database: z.string().min(1).max(100),
          login: z.string().min(1).max(100),
          password: z.string().min(1).max(500)
        })
        .strict()
    ]),
    output: appStateSchema
  },
  'accounts.switch': { input: z.object({ accountId: id }).strict(), output: appStateSchema },
  'accounts.signOut': { input: z.object({ accountId: id }).strict(), output: appStateSchema },

  'providers.get': { input: z.object({}).strict(), output: providerViewSchema },
  /** Step one of enabling a provider: nothing is sent anywhere; returns what consent would cover. */
  'providers.prepare': {
    input: z
      .object({
        kind: providerKindSchema,
        model: z.string().max(200),
        baseURL: z.string().url().max(500).optional(),
        apiKey: z.string().max(500).optional(),
        /** OpenAI only: the Responses API (default) or Chat Completions. */
        api: z.enum(['chat', 'responses']).optional(),
        /** Edit this saved profile instead of adding one. */
        profileId: id.optional(),
        label: z.string().max(100).optional(),
        /** Gateway headers (values are kept in the keychain); {} removes them. */
        headers: z.record(z.string().max(100), z.string().max(2000)).refine((h) => Object.keys(h).length <= 20, 'At most 20 headers').optional(),
        organization: z.string().max(200).optional(),
        project: z.string().max(200).optional(),
        /** OpenAI Responses: let OpenAI store responses (off by default). */
        openaiStore: z.boolean().optional(),
        generation: generationSettingsSchema.optional()
      })
      .strict(),
    output: prepareResultSchema
  },
  /** Discards a choice held aside for consent: nothing changes, nothing is stored. */
  'providers.cancel': { input: z.object({}).strict(), output: providerViewSchema },
  /** Uses a saved profile; one without consent is held aside for it (as prepare does). */
  'providers.select': { input: z.object({ profileId: id }).strict(), output: prepareResultSchema },
  'providers.deleteProfile': { input: z.object({ profileId: id }).strict(), output: providerViewSchema },
  /** The endpoint's model list, for a profile the user agreed to. */
  'providers.listModels': { input: z.object({ profileId: id }).strict(), output: z.array(z.object({ id: z.string() })) },
  /** One minimal request to the endpoint, after consent; reports what it found. */
  'providers.testConnection': {
    input: z.object({ profileId: id }).strict(),
    output: z.object({ ok: z.boolean(), message: z.string(), model: z.string().nullable(), latencyMs: z.number().nullable() })
  },
  /** A conversation's own provider, among those the user agreed to (null: the one in use). */
  'providers.conversationProfile': { input: z.object({ conversationId: id }).strict(), output: z.object({ profileId: z.string().nullable() }) },
  'providers.setConversationProfile': { input: z.object({ conversationId: id, profileId: id.nullable() }).strict(), output: ok },
  /** Step two: the explicit yes, naming the wording that was shown. */
  'providers.consent': {
    input: z.object({ wordingVersion: z.string().max(100), endpointHost: z.string().max(300) }).strict(),
    output: providerViewSchema
  },
  'providers.withdrawConsent': { input: z.object({ profileId: id.optional() }).strict(), output: providerViewSchema },
  'providers.useDemo': { input: z.object({}).strict(), output: providerViewSchema },

  /** The organisation policy stored in the CRM, for its administrators (the CRM refuses others). */
  'admin.getPolicy': { input: z.object({}).strict(), output: adminPolicyViewSchema },
  'admin.savePolicy': { input: z.object({ policy: orgPolicySchema }).strict(), output: adminPolicyViewSchema },

  /** The signed-in person's activity, newest first, one page at a time; totals over all that match. */
  'activity.list': {
    input: z.object({ filters: activityFiltersSchema, cursor: z.string().max(500).nullable().optional() }).strict(),
    output: activityPageSchema
  },
  /** Checks the whole audit chain now: whether, and where, the log was edited. */
  'activity.verify': { input: z.object({}).strict(), output: chainReportSchema },
  /** Everything the filters match (the period on screen), as CSV or JSON Lines. */
  'activity.export': {
    input: z.object({ filters: activityFiltersSchema, format: z.enum(['csv', 'jsonl']) }).strict(),
    output: z.object({ filename: z.string(), content: z.string(), mime: z.string() })
  },
  /** The price table in effect for this person, and how long the audit log keeps entries. */
  'activity.settings': { input: z.object({}).strict(), output: activitySettingsSchema },
  'activity.setPrice': { input: setPriceInputSchema, output: activitySettingsSchema },
  'activity.removePrice': { input: z.object({ providerKind: z.string().min(1).max(100), model: z.string().min(1).max(200) }).strict(), output: activitySettingsSchema },
  'activity.setRetentionDays': { input: z.object({ days: z.number().int().min(30).max(3650) }).strict(), output: activitySettingsSchema }
} as const

export const events = {
  'conversation.changed': conversationSummarySchema,
  'conversation.entry': z.object({ conversationId: z.string(), entry: entrySchema }),
  /** A conversation was deleted (in another window, too). */
  'conversation.removed': z.object({ conversationId: z.string() }),
  /** An entry main dropped (a failed answer's partial text): the window removes it too. */
  'conversation.entryRemoved': z.object({ conversationId: z.string(), entryId: z.string() }),
  'action.changed': actionViewSchema,
  'app.changed': appStateSchema,
  /** Main asks the window to show a card (a notification was clicked). */
  'ui.focusAction': z.object({ actionId: z.string(), conversationId: z.string() }),
  /** Main asks the window to show the inbox (the tray menu's Inbox item). */
  'ui.showInbox': z.object({}).strict()
} as const

export type RequestName = keyof typeof requests
export type EventName = keyof typeof events
export type RequestInput<K extends RequestName> = z.infer<(typeof requests)[K]['input']>
export type RequestOutput<K extends RequestName> = z.infer<(typeof requests)[K]['output']>
export type EventPayload<K extends EventName> = z.infer<(typeof events)[K]>

export const REQUEST_NAMES = Object.keys(requests) as RequestName[]
export const EVENT_NAMES = Object.keys(events) as EventName[]

/** The API the renderer sees: one function per request and one subscription per event.
 *  The preload and the headless host's browser client both implement exactly this. */
export type CountersignApi = {
  requests: { [K in RequestName]: (input: RequestInput<K>) => Promise<RequestOutput<K>> }
  events: { [K in EventName]: (listener: (payload: EventPayload<K>) => void) => () => void }
}

/** Errors cross the boundary as plain data; `code` lets the UI choose what to say. */
export const ipcErrorSchema = z.object({ code: z.string(), message: z.string() })
export type IpcError = z.infer<typeof ipcErrorSchema>

/** Result envelope, so an error reaches the renderer with its message intact on every transport. */
export type Envelope<T> = { ok: true; value: T } | { ok: false; error: IpcError }
