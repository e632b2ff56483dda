// Atomic writes go through a temporary file beside the target, then a rename. A crash between the
// two leaves the temporary file behind; it is never the real data (the rename did not happen), so
// it is removed at start-up before anything is read.
import { readdirSync, rmSync } from 'node:fs'
import { join } from 'node:path'

// atomically (used by conf/electron-store and our own writes): "<file>.tmp-<time><random>".
const TEMP_FILE = /\.tmp-[0-9a-z]+$/i

export function removeStaleTempFiles(dir: string, depth = 3): number {
  let removed = 0
  let entries
  try {
    entries = readdirSync(dir, { withFileTypes: true })
  } catch {
    return 0
  }
  for (const entry of entries) {
    const path = join(dir, entry.name)
    if (entry.isDirectory() && depth > 0) removed += removeStaleTempFiles(path, depth - 1)
    else if (entry.isFile() && TEMP_FILE.test(entry.name)) {
      rmSync(path, { force: true })
      removed++
    }
  }
  return removed
}
