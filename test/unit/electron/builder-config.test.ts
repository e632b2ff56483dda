// The installer configuration (electron-builder.ts), read as electron-builder reads it:
// valid against electron-builder's own JSON schema (and its own validator), the Electron fuses
// that harden the shipped binary, and the files that go into app.asar, computed with
// electron-builder's own file matcher over a fixture project and over this repository.
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join, relative, resolve } from 'node:path'
import Ajv from 'ajv'
import { afterAll, describe, expect, it } from 'vitest'
import defaultConfig, { buildConfig, signingFrom } from '../../../electron-builder'

const ROOT = resolve(import.meta.dirname, '../../..')
const require = createRequire(import.meta.url)
const schema = JSON.parse(readFileSync(join(ROOT, 'node_modules/app-builder-lib/scheme.json'), 'utf8'))
const { getMainFileMatchers } = require('app-builder-lib/out/fileMatcher') as { getMainFileMatchers: (...args: unknown[]) => { createFilter(): (file: string, stat: { isDirectory(): boolean }) => boolean }[] }
// The minimatch electron-builder itself matches asarUnpack with.
const { minimatch } = require(require.resolve('minimatch', { paths: [dirname(require.resolve('app-builder-lib/package.json'))] })) as { minimatch: (path: string, pattern: string, options?: { dot?: boolean }) => boolean }
const { validateConfiguration } = require('app-builder-lib/out/util/config/config') as { validateConfiguration: (config: unknown, logger: unknown) => Promise<void> }

const UNSIGNED = {}
const SIGNED = {
  CSC_LINK: 'file:///secure/cert.p12',
  CSC_KEY_PASSWORD: 'x',
  APPLE_API_KEY: '/secure/key.p8',
  APPLE_API_KEY_ID: 'K',
  APPLE_API_ISSUER: 'I',
  COUNTERSIGN_REQUIRE_SIGNING: '1',
  COUNTERSIGN_UPDATE_URL: 'https://updates.example.com/countersign/'
}

const validate = new Ajv({ allErrors: true, strict: false, allowUnionTypes: true }).compile(schema)
const errorsOf = (config: unknown) => (validate(config) ? [] : validate.errors!.map((e) => `${e.instancePath} ${e.message}`))

describe('electron-builder configuration', () => {
  it.each([
    ['as electron-builder loads it (this environment)', defaultConfig],
    ['unsigned', buildConfig(UNSIGNED)],
    ['signed and notarized', buildConfig(SIGNED)]
  ])('validates against electron-builder\'s JSON schema, %s', async (_label, config) => {
    expect(errorsOf(config)).toEqual([])
    await expect(validateConfiguration(config, { isEnabled: false, add() {} })).resolves.toBeUndefined()
  })

  it('the schema check can fail: a wrong type or an unknown option is reported', async () => {
    const bad = { ...buildConfig(UNSIGNED), electronFuses: { runAsNode: 'no' }, nsis: { oneClick: false, perMachinee: true } }
    expect(errorsOf(bad).join('\n')).toMatch(/runAsNode must be boolean[\s\S]*must NOT have additional properties/)
    await expect(validateConfiguration(bad, { isEnabled: false, add() {} })).rejects.toThrow(/configuration/i)
  })

  it('is the file electron-builder finds in this project (and package.json has no "build" key to shadow it)', async () => {
    const { loadConfig } = require('app-builder-lib/out/util/config/load') as { loadConfig: (request: unknown) => Promise<{ result: any; configFile: string } | null> }
    const loaded = await loadConfig({ packageKey: 'build', configFilename: 'electron-builder', projectDir: ROOT })
    expect(loaded!.configFile).toBe(join(ROOT, 'electron-builder.ts'))
    expect(loaded!.result.appId).toBe('com.countersign.desktop')
    expect(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).build).toBeUndefined()
  })

  it('sets the fuses: no RunAsNode, no NODE_OPTIONS, no --inspect, encrypted cookies, asar integrity, only the asar, no file:// privileges', () => {
    for (const config of [defaultConfig, buildConfig(UNSIGNED), buildConfig(SIGNED)]) {
      expect(config.electronFuses).toEqual({
        runAsNode: false,
        enableNodeOptionsEnvironmentVariable: false,
        enableNodeCliInspectArguments: false,
        enableCookieEncryption: true,
        enableEmbeddedAsarIntegrityValidation: true,
        onlyLoadAppFromAsar: true,
        grantFileProtocolExtraPrivileges: false,
        loadBrowserProcessSpecificV8Snapshot: false
      })
      expect(config.asar).toBe(true)
    }
  })

  it('builds NSIS (per-user or per-machine) and a per-machine MSI for Windows, dmg and pkg (and the updater zip) for macOS, deb, rpm and AppImage for Linux', () => {
    const config = buildConfig(UNSIGNED)
    const targets = (platform: any) => platform.target.map((t: any) => t.target)
    expect(targets(config.win)).toEqual(['nsis', 'msi'])
    expect(config.nsis).toMatchObject({ oneClick: false, perMachine: false, allowElevation: true })
    expect(config.msi).toMatchObject({ perMachine: true, upgradeCode: expect.stringMatching(/^[0-9a-f-]{36}$/) })
    expect(targets(config.mac)).toEqual(['dmg', 'pkg', 'zip']) // zip: what electron-updater updates a Mac app from
    expect(targets(config.linux)).toEqual(['deb', 'rpm', 'AppImage'])
  })

  it('macOS: hardened runtime with entitlements that grant only the JIT', () => {
    const mac = buildConfig(SIGNED).mac!
    expect(mac.hardenedRuntime).toBe(true)
    const plist = readFileSync(join(ROOT, mac.entitlements!), 'utf8')
    const keys = [...plist.matchAll(/<key>([^<]+)<\/key>/g)].map((m) => m[1])
    expect(keys).toEqual(['com.apple.security.cs.allow-jit'])
  })

  it('without a certificate, installers are named unsigned and macOS does not pick a keychain identity or notarize', () => {
    const config = buildConfig(UNSIGNED)
    expect(config.win!.artifactName).toContain('-unsigned')
    expect(config.mac!.artifactName).toContain('-unsigned')
    expect((config.pkg as any).artifactName).toContain('-unsigned')
    expect(config.mac!.identity).toBeNull()
    expect(config.mac!.notarize).toBe(false)
    expect(config.forceCodeSigning).toBe(false)
  })

  it('with a certificate and Apple credentials: signed names, notarization on, and a release refuses to be unsigned', () => {
    const config = buildConfig(SIGNED)
    expect(config.win!.artifactName).not.toContain('unsigned')
    expect(config.mac!.artifactName).not.toContain('unsigned')
    expect(config.mac).not.toHaveProperty('identity')
    expect(config.mac!.notarize).toBe(true)
    expect(config.forceCodeSigning).toBe(true)
    expect(config.publish).toEqual([{ provider: 'generic', url: 'https://updates.example.com/countersign/' }])
  })

  it('reads signing only from the environment: no secret or certificate path in the configuration', () => {
    expect(signingFrom({ APPLE_ID: 'a', APPLE_APP_SPECIFIC_PASSWORD: 'p' }).notarize).toBe(false) // team id missing
    const text = readFileSync(join(ROOT, 'electron-builder.ts'), 'utf8')
    expect(text).not.toMatch(/cscLink|cscKeyPassword|\.p12['"]|\.pfx['"]|password\s*:/i)
    const config = JSON.stringify(buildConfig(SIGNED))
    expect(config).not.toContain('/secure/')
  })
})

// ─── What goes into app.asar ─────────────────────────────────────────────────────────────────

const dirs: string[] = []
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true })
})

/** Walks `projectDir` as electron-builder's copy does: a rejected folder is not entered. */
function asarFiles(projectDir: string, config = buildConfig(UNSIGNED)): string[] {
  const packager = { info: { projectDir, buildResourcesDir: config.directories!.buildResources, config, isPrepackedAppAsar: false, debugLogger: { isEnabled: false } } }
  const [matcher] = getMainFileMatchers(projectDir, '/dest', (s: string) => s, {}, packager, join(projectDir, 'dist'), false)
  const filter = matcher.createFilter()
  const found: string[] = []
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const file = join(dir, name)
      const stat = statSync(file)
      if (!filter(file, stat)) continue
      if (stat.isDirectory()) walk(file)
      else found.push(relative(projectDir, file).split('\\').join('/'))
    }
  }
  walk(projectDir)
  return found.sort()
}

describe('the files that go into app.asar', () => {
  it('a built project: only the three bundles, the icon and package.json; no tests, no source maps, no .env', () => {
    const project = mkdtempSync(join(tmpdir(), 'countersign-asar-'))
    dirs.push(project)
    const files = [
      'package.json',
      'out/main/index.js',
      'out/main/index.js.map',
      'out/main/chunks/ledger-abc.js',
      'out/main/.env',
      'out/preload/index.cjs',
      'out/preload/index.cjs.map',
      'out/renderer/index.html',
      'out/renderer/assets/index-abc.js',
      'out/renderer/assets/index-abc.js.map',
      'out/renderer/assets/index-abc.css',
      'out/renderer/assets/helpers.test.js',
      'out/renderer/__tests__/thing.js',
      'out/main/README.md',
      'resources/icon.png',
      'resources/icon.svg',
      'resources/entitlements.mac.plist',
      'src/main/app.ts',
      'src/renderer/src/App.test.tsx',
      'test/unit/electron/protocol.test.ts',
      'e2e/approval.spec.ts',
      'bench/run.ts',
      'scripts/dist.mjs',
      'docs/installers.md',
      '.env',
      '.env.production',
      'electron-builder.ts',
      'README.md',
      'tsconfig.json',
      'dist/Countersign-0.1.0.AppImage',
      'node_modules/keytar/package.json'
    ]
    for (const f of files) {
      mkdirSync(dirname(join(project, f)), { recursive: true })
      writeFileSync(join(project, f), 'x')
    }
    expect(asarFiles(project)).toEqual([
      'out/main/chunks/ledger-abc.js',
      'out/main/index.js',
      'out/preload/index.cjs',
      'out/renderer/assets/index-abc.css',
      'out/renderer/assets/index-abc.js',
      'out/renderer/index.html',
      'package.json',
      'resources/icon.png'
    ])
  })

  it('this repository as it stands: nothing from src, test, e2e, scripts, docs or any .env goes in', () => {
    const files = asarFiles(ROOT)
    const outside = files.filter((f) => !f.startsWith('out/') && f !== 'package.json' && f !== 'resources/icon.png')
    expect(outside).toEqual([])
    expect(files.filter((f) => /\.map$|\.(test|spec)\.|(^|\/)\.env/.test(f))).toEqual([])
    const tracked = execFileSync('git', ['ls-files'], { cwd: ROOT, encoding: 'utf8' }).split('\n').filter(Boolean)
    expect(tracked.filter((f) => files.includes(f))).toEqual(['package.json', 'resources/icon.png'])
  })

  it('keytar, and any other native module among the runtime dependencies, is unpacked from the asar', () => {
    const config = buildConfig(UNSIGNED)
    const unpack = config.asarUnpack as string[]
    const unpacked = (path: string) => unpack.some((pattern) => minimatch(path, pattern, { dot: true }))
    expect(unpacked('node_modules/keytar/build/Release/keytar.node')).toBe(true)
    expect(unpacked('node_modules/keytar/lib/keytar.js')).toBe(true)
    expect(unpacked('out/main/index.js')).toBe(false)
    expect(config.npmRebuild).toBe(true)

    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'))
    expect(Object.keys(pkg.dependencies)).toContain('keytar')
    const native = Object.keys(pkg.dependencies).filter((dep) => existsSync(join(ROOT, 'node_modules', dep, 'binding.gyp')))
    expect(native).toEqual(['keytar'])
    for (const dep of native) expect(unpacked(`node_modules/${dep}/build/Release/${dep}.node`)).toBe(true)
    // Electron and the build tools are never runtime dependencies (they would be packed).
    for (const dev of ['electron', 'electron-builder', 'vitest', '@playwright/test', 'better-sqlite3']) expect(pkg.dependencies).not.toHaveProperty(dev)
  })
})
