// One lock per conversation. Every decision, settlement, step and execution in a conversation
// runs under it, and re-reads the action's state inside it, so two clicks, two windows or a
// decision racing the model loop can never both act on the same state.
//
// Code that must already hold the lock takes a `Held` token, which only `run` can make: "does the
// caller hold the lock?" is answered by the type checker, not by an options flag.

declare const heldBrand: unique symbol
export interface Held {
  readonly key: string
  readonly [heldBrand]: true
}

export class ConversationLocks {
  private readonly tails = new Map<string, Promise<unknown>>()
  private readonly held = new Set<Held>()

  /** Runs `fn` once every earlier holder of `key` is done; `fn` receives proof that it holds the lock. */
  async run<T>(key: string, fn: (held: Held) => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve()
    const token = { key } as Held
    const next = previous
      .catch(() => undefined)
      .then(async () => {
        this.held.add(token)
        try {
          return await fn(token)
        } finally {
          this.held.delete(token)
        }
      })
    this.tails.set(key, next)
    try {
      return await next
    } finally {
      if (this.tails.get(key) === next) this.tails.delete(key)
    }
  }

  /** Throws unless `held` is a live token for `key`: a token kept past its `run` is worthless. */
  assertHeld(held: Held, key: string): void {
    if (!this.held.has(held) || held.key !== key) throw new Error(`The lock for conversation ${key} is not held here.`)
  }
}
