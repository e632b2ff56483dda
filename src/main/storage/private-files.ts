// The data folder holds conversations, the ledger, accounts and the audit trail: other local users
// must not read it. Folders are 0700 and files 0600 when we create them; at start-up anything
// looser (folders from an older version, a copy restored with default modes) is tightened.
import { chmodSync, lstatSync, mkdirSync, readdirSync } from 'node:fs'
import { join } from 'node:path'

export const PRIVATE_DIR_MODE = 0o700
export const PRIVATE_FILE_MODE = 0o600

/** POSIX modes only: Windows has no group/other bits, its user profile ACLs do this job. */
const POSIX = process.platform !== 'win32'

/** Creates `dir` (and missing parents) as 0700; an existing `dir` is tightened to 0700. */
export function ensurePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE })
  if (POSIX) tighten(dir, PRIVATE_DIR_MODE)
}

/**
 * Makes the data folder and everything in it private: folders 0700, files 0600. Symbolic links
 * are left alone (never followed: what they point at is not ours to change). Returns how many
 * entries it had to tighten.
 */
export function makeDataDirPrivate(dataDir: string): number {
  ensurePrivateDir(dataDir)
  if (!POSIX) return 0
  let tightened = 0
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name)
      if (entry.isDirectory()) {
        if (tighten(path, PRIVATE_DIR_MODE)) tightened++
        walk(path)
      } else if (entry.isFile()) {
        if (tighten(path, PRIVATE_FILE_MODE)) tightened++
      }
    }
  }
  walk(dataDir)
  return tightened
}

/** Removes group and other permission bits; true if it changed anything. */
function tighten(path: string, mode: number): boolean {
  let current: number
  try {
    current = lstatSync(path).mode & 0o777
  } catch {
    return false // removed meanwhile
  }
  if ((current & 0o077) === 0 && (current & mode) === mode) return false
  chmodSync(path, mode)
  return true
}
