// ESLint flat config. Its main job is DESIGN.md's "Layers": which part of the app may import
// what, enforced with `no-restricted-imports` rather than remembered. Other rules are kept to
// typescript-eslint's recommended set, relaxed where the existing code disagrees with it.
//
// How the layer rules work. Flat config keeps only the LAST `no-restricted-imports` setting that
// matches a file, so every file gets exactly one, built below from the zone it lives in (the
// most specific zone wins). Relative imports are checked by how far they climb: a file at
// src/renderer/src/store/x.ts needs exactly three `../` to reach src/, so for that depth
// `^(\.\./){3}main/` is an import of src/main. Configs are generated per directory depth, so the
// count is exact and a folder that merely happens to be called `main` is not mistaken for it.
// test/unit/lint/layers.test.ts proves each rule fires, and that the allowed imports pass.
import { builtinModules } from 'node:module'
import js from '@eslint/js'
import globals from 'globals'
import tseslint from 'typescript-eslint'

const EXT = '{ts,tsx,mts,cts,js,jsx,mjs,cjs}'
const MAX_DEPTH = 12

const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

// ─── What may be restricted ──────────────────────────────────────────────────────────────────

const builtins = [...new Set(builtinModules.map((m) => m.replace(/^node:/, '')))]
const NODE = {
  regex: `^(?:node:.*|(?:${builtins.map(escape).join('|')})(?:/.*)?)$`,
  message: 'Node built-ins are main-process only (DESIGN.md, Layers).'
}
const ELECTRON = { regex: '^electron(?:/.*)?$', message: 'Only the Electron adapters (src/main/electron/**) and the preload import electron.' }
const ELECTRON_STORE = { regex: '^electron-store$', message: 'Only src/main/storage/electron-store.ts imports electron-store; services use JsonStoreFactory.' }
const KEYTAR = { regex: '^keytar$', message: 'Only src/main/secrets/keytar-store.ts imports keytar; services use SecretStore.' }
const REACT = { regex: '^react(?:-dom)?(?:/.*)?$', message: 'src/shared imports no React.' }
const ANY_PACKAGE_BUT_ELECTRON = {
  regex: '^(?![./])(?!electron(?:/|$))',
  message: 'The preload imports electron and src/shared only.'
}
const SAMPLE_ADMIN = {
  regex: '(?:^|/)(?:crm/)?sample/admin(?:\\.[cm]?[jt]sx?)?$',
  message: 'crm/sample/admin is a test-only helper: nothing under src/ may import it.'
}
// The transports sit below the services: they learn error types from src/main/errors, never by
// importing a service (issue 7: ipc/ must not import assistant/).
const IPC_BELOW_SERVICES = {
  regex: '^\\.\\./(?:assistant|actions|accounts|abilities|conversations|crm|providers|policy|settings|secrets|audit|notify|access)(?:/|$)',
  message: 'ipc/ sits below the services: import error types from ../errors, never a service.'
}
const SAMPLE_ADMIN_LOCAL = {
  regex: '^\\./admin(?:\\.[cm]?[jt]sx?)?$',
  message: 'crm/sample/admin is a test-only helper: nothing under src/ may import it.'
}
// Implementations only a composition root chooses (DESIGN.md: "Nothing else decides which
// implementation runs"). Services receive them through their constructors.
const IMPLEMENTATIONS = {
  regex: '(?:^|/)(?:secrets/(?:keytar-store|memory-store)|storage/(?:electron-store|node-store)|crm/(?:sample|tryton)(?:/index)?)(?:\\.[cm]?[jt]s)?$',
  message: 'Only the composition roots (src/main/electron/index.ts, src/main/headless/host.ts) pick implementations.'
}

const up = (n) => `^(?:\\./)?(?:\\.\\./){${n}}`
/** A relative import that climbs `n` levels to src/ and goes into one of `dirs`. */
const into = (n, dirs, message) => ({ regex: `${up(n)}(?:\\.\\./src/)?(?:${dirs.join('|')})(?:/|$)`, message })
/** A relative import that climbs `n` levels (to src/) or more, except into src/shared. */
const outExceptShared = (n, message) => ({ regex: `${up(n)}(?!shared(?:/|$))`, message })
/** A relative import that climbs `n` levels (to src/) or more, anywhere. */
const out = (n, message) => ({ regex: up(n), message })

// ─── Zones: each builds the full rule for a file `n` levels below src/ ───────────────────────

const sharedRules = (n) => [NODE, ELECTRON, REACT, SAMPLE_ADMIN, out(n, 'src/shared imports nothing from main, renderer or preload.')]
const rendererRules = (n) => [NODE, ELECTRON, SAMPLE_ADMIN, outExceptShared(n, 'The renderer imports src/shared and browser libraries, never main or preload.')]
const preloadRules = (n) => [ANY_PACKAGE_BUT_ELECTRON, NODE, SAMPLE_ADMIN, outExceptShared(n, 'The preload imports electron and src/shared only.')]
const mainRules = (n, allow = []) =>
  [ELECTRON, ELECTRON_STORE, KEYTAR, SAMPLE_ADMIN, IMPLEMENTATIONS, into(n, ['renderer', 'preload'], 'Main never imports the renderer or the preload.')].filter(
    (r) => !allow.includes(r)
  )

const rule = (patterns) => ({ 'no-restricted-imports': ['error', { patterns: patterns.map(({ regex, message }) => ({ regex, message })) }] })

/** One config per depth below `dir`, so relative climbs are counted exactly. */
function zone(dir, build) {
  const base = dir.split('/').length - 1 // levels from dir up to src/
  return Array.from({ length: MAX_DEPTH }, (_, k) => ({
    files: [`${dir}/${'*/'.repeat(k)}*.${EXT}`],
    rules: rule(build(base + k))
  }))
}

/** One config for a single file. */
function file(path, build) {
  return { files: [path], rules: rule(build(path.split('/').length - 2)) }
}

const layers = [
  ...zone('src/shared', sharedRules),
  ...zone('src/renderer', rendererRules),
  ...zone('src/preload', preloadRules),
  ...zone('src/main', (n) => mainRules(n)),
  // Adapters, most specific last.
  ...zone('src/main/electron', (n) => mainRules(n, [ELECTRON])),
  ...zone('src/main/crm/sample', (n) => [...mainRules(n), SAMPLE_ADMIN_LOCAL]),
  ...zone('src/main/ipc', (n) => [...mainRules(n), IPC_BELOW_SERVICES]),
  file('src/main/storage/electron-store.ts', (n) => mainRules(n, [ELECTRON_STORE])),
  file('src/main/secrets/keytar-store.ts', (n) => mainRules(n, [KEYTAR])),
  // Composition roots.
  file('src/main/electron/index.ts', (n) => mainRules(n, [ELECTRON, IMPLEMENTATIONS])),
  file('src/main/headless/host.ts', (n) => mainRules(n, [IMPLEMENTATIONS]))
]

// Dynamic `import('…')` is not seen by no-restricted-imports; the packages that only adapters
// may load are covered here too (keytar-store.ts loads keytar lazily, which stays allowed).
const dynamicImport = (files, packages, ignores = []) => ({
  files,
  ignores,
  rules: {
    'no-restricted-syntax': [
      'error',
      {
        selector: `ImportExpression[source.value=/^(?:${packages})$/]`,
        message: 'Only the adapters load electron, electron-store or keytar (DESIGN.md, Layers).'
      }
    ]
  }
})

export default tseslint.config(
  { ignores: ['out/**', 'node_modules/**', '.tmp/**', 'dist/**', 'test-results/**', 'playwright-report/**', 'bench/.data/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: [`**/*.${EXT}`],
    languageOptions: { ecmaVersion: 2023, sourceType: 'module', globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', destructuredArrayIgnorePattern: '^_', ignoreRestSiblings: true }],
      '@typescript-eslint/no-empty-object-type': 'off',
      '@typescript-eslint/ban-ts-comment': ['error', { 'ts-expect-error': 'allow-with-description' }],
      'no-empty': ['error', { allowEmptyCatch: true }],
      'no-control-regex': 'off',
      'no-useless-escape': 'off'
    }
  },
  {
    // Playwright fixtures declare "no dependencies" as `async ({}, use) => …`.
    files: [`e2e/**/*.${EXT}`],
    rules: { 'no-empty-pattern': 'off' }
  },
  {
    files: [`src/renderer/**/*.${EXT}`],
    languageOptions: { globals: { ...globals.browser } }
  },
  ...layers,
  dynamicImport([`src/{shared,renderer}/**/*.${EXT}`], 'electron|electron-store|keytar|node:.*'),
  dynamicImport([`src/preload/**/*.${EXT}`], 'electron-store|keytar|node:.*'),
  dynamicImport([`src/main/**/*.${EXT}`], 'electron|electron-store|keytar', ['src/main/electron/**', 'src/main/secrets/keytar-store.ts', 'src/main/storage/electron-store.ts'])
)
