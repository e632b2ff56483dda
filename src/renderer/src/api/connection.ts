/**
 * The headless host's WebSocket, as the page sees it:
 * - connecting: the first attempt, requests wait for it;
 * - open;
 * - closed: it dropped (or the first attempt failed) and the client is trying again, with backoff;
 * - refused: the host is back but refuses this page's token: it was restarted with a new address;
 * - gone: no host answered for a while; the client stopped trying until asked to.
 */
export type ConnectionStatus = 'connecting' | 'open' | 'closed' | 'refused' | 'gone'

/** The transport's health, when the transport can break (the headless host's WebSocket).
 *  In Electron there is no such thing and the renderer gets `null`. */
export interface ConnectionMonitor {
  readonly status: ConnectionStatus
  subscribe(listener: (status: ConnectionStatus) => void): () => void
  /** After 'gone' or 'refused': look for the host again. */
  retry(): void
}

/** What the page tells the user for each state it cannot fix by itself. */
export const CONNECTION_MESSAGES = {
  closed: 'Disconnected from Countersign — reconnecting…',
  refused: 'Countersign was restarted, so this page no longer works. Open the address it printed when it started.',
  gone: "Countersign's host stopped. Start it again with npm start and open the address it prints."
} as const

/** Why a request failed because of the connection, in words a user can act on. */
export const REQUEST_FAILURES = {
  /** Sent, then the socket dropped: the host may or may not have acted on it. */
  dropped: 'The connection to Countersign dropped before it answered. Once it is back, check whether this went through before trying again.',
  /** Never sent: there was no connection. */
  notSent: 'Not sent: Countersign is not connected right now. It is reconnecting; try again in a moment.',
  refused: `Not sent. ${CONNECTION_MESSAGES.refused}`,
  gone: `Not sent. ${CONNECTION_MESSAGES.gone}`
} as const
