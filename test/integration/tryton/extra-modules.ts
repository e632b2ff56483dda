// Tryton modules that ship in this repository (tryton/modules/*), put on trytond's module path for
// the test rig: a folder holding a link to each module and an egg-info with the `trytond.modules`
// entry points, added to PYTHONPATH. This is how a module installed with pip is found, without
// writing into the system's Python.
import { createHash } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..')
const MODULES_DIR = path.join(ROOT, 'tryton/modules')

export interface ExtraModules {
  /** Goes first on PYTHONPATH for trytond, trytond-admin and proteus. */
  pythonPath: string
  /** Changes whenever a module's files change, so a cached database is rebuilt. */
  hash: string
}

export function prepareExtraModules(names: string[], cacheDir: string): ExtraModules {
  const h = createHash('sha256')
  for (const name of [...names].sort()) {
    const dir = path.join(MODULES_DIR, name)
    if (!fs.existsSync(path.join(dir, 'tryton.cfg'))) throw new Error(`No Tryton module ${name} in ${MODULES_DIR}`)
    for (const file of listFiles(dir)) h.update(path.relative(dir, file)).update(fs.readFileSync(file))
  }
  const site = path.join(cacheDir, `modules-${names.join('-')}`)
  fs.mkdirSync(path.join(site, 'countersign_modules.egg-info'), { recursive: true })
  for (const name of names) {
    const link = path.join(site, name)
    if (!fs.existsSync(link)) fs.symlinkSync(path.join(MODULES_DIR, name), link, 'dir')
  }
  fs.writeFileSync(path.join(site, 'countersign_modules.egg-info', 'PKG-INFO'), 'Metadata-Version: 1.1\nName: countersign-modules\nVersion: 6.0.0\n')
  fs.writeFileSync(
    path.join(site, 'countersign_modules.egg-info', 'entry_points.txt'),
    `[trytond.modules]\n${names.map((n) => `${n} = ${n}`).join('\n')}\n`
  )
  return { pythonPath: site, hash: h.digest('hex').slice(0, 16) }
}

function listFiles(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.name !== '__pycache__')
    .flatMap((e) => (e.isDirectory() ? listFiles(path.join(dir, e.name)) : [path.join(dir, e.name)]))
    .sort()
}
