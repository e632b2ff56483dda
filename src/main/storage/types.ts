// The one adapter over electron-store (in Electron) and its engine `conf` (in plain Node).
// Services only ever see this interface.

export interface JsonStore<T extends Record<string, unknown>> {
  /** Where the file lives, for diagnostics and tests. */
  readonly path: string
  /** The whole document, as last written by this process. */
  read(): T
  /** Replaces the whole document; atomic (temporary file, fsync, rename). */
  write(value: T): void
  /** Deletes the file (used to drop whole shards of old data). */
  remove(): void
  /** Keeps a copy of the file as it is on disk, before damaged parts are dropped; returns its path within the data folder. */
  keepCopy(): string
}

export interface JsonStoreFactory {
  /**
   * The absolute path of `folder` inside the data folder, created if missing: for services that
   * keep append-only journals beside their electron-store files (the ledger).
   */
  folderPath(folder: string): string
  /** Names of the stores that exist on disk in `folder`, without extension. */
  list(folder?: string): string[]
  /**
   * Opens (or creates) the store `name` inside `folder` (relative to the data folder).
   * A file that cannot be parsed, or that parses as something other than an object (or fails
   * `accept`), is moved aside as `<name>.corrupt-<time>.json` and the store starts from
   * `defaults`; the caller is told through `onCorrupt` (with the path within the data folder, never
   * an absolute one) so the user can be.
   */
  open<T extends Record<string, unknown>>(options: {
    name: string
    folder?: string
    defaults: T
    onCorrupt?: (movedTo: string) => void
    /** Checks the document's shape; false sets the file aside like unparseable JSON. */
    accept?: (value: Record<string, unknown>) => boolean
  }): JsonStore<T>
}
