// electron-builder: the installers IT deploys. `npm run dist` (scripts/dist.mjs) builds them;
// test/unit/electron/builder-config.test.ts validates this against electron-builder's own JSON
// schema and checks the fuses and what goes into the asar.
//
// Signing comes only from the environment variables electron-builder documents (never from this
// file): CSC_LINK + CSC_KEY_PASSWORD (or WIN_CSC_LINK + WIN_CSC_KEY_PASSWORD) for Windows and
// the macOS app, CSC_INSTALLER_LINK + CSC_INSTALLER_KEY_PASSWORD for the macOS pkg. Notarization
// runs through @electron/notarize when APPLE_API_KEY + APPLE_API_KEY_ID + APPLE_API_ISSUER, or
// APPLE_ID + APPLE_APP_SPECIFIC_PASSWORD + APPLE_TEAM_ID, or APPLE_KEYCHAIN_PROFILE are set.
// Without a certificate the installers are built unsigned and their names end in "-unsigned".
import type { Configuration } from 'electron-builder'

type Env = Record<string, string | undefined>

/** Which platforms this environment can sign for. */
export function signingFrom(env: Env): { windows: boolean; mac: boolean; macInstaller: boolean; notarize: boolean } {
  const windows = Boolean(env.WIN_CSC_LINK || env.CSC_LINK)
  const mac = Boolean(env.CSC_LINK || env.CSC_NAME)
  const notarize = Boolean(
    (env.APPLE_API_KEY && env.APPLE_API_KEY_ID && env.APPLE_API_ISSUER) ||
      (env.APPLE_ID && env.APPLE_APP_SPECIFIC_PASSWORD && env.APPLE_TEAM_ID) ||
      env.APPLE_KEYCHAIN_PROFILE
  )
  return { windows, mac, macInstaller: Boolean(env.CSC_INSTALLER_LINK || mac), notarize }
}

/** What goes into app.asar: the three bundles and the tray/window icon. Everything else in the
 *  repository (sources, tests, e2e, scripts, docs, .env files, source maps) stays out. */
export const APP_FILES = [
  'out/main/**/*',
  'out/preload/**/*',
  'out/renderer/**/*',
  'resources/icon.png',
  '!**/*.map',
  '!**/*.{test,spec}.{js,cjs,mjs,ts,tsx}',
  '!**/{test,tests,__tests__,e2e}/**',
  '!**/.env',
  '!**/.env.*',
  '!**/*.{md,markdown}',
  '!**/{tsconfig*.json,.eslintrc*,eslint.config.*}'
]

export function buildConfig(env: Env = process.env): Configuration {
  const signing = signingFrom(env)
  const unsigned = (signed: boolean) => (signed ? '' : '-unsigned')
  return {
    appId: 'com.countersign.desktop',
    productName: 'Countersign',
    copyright: 'Copyright © Countersign',
    directories: { output: 'dist', buildResources: 'resources' },
    files: APP_FILES,
    asar: true,
    // keytar is a native module: rebuilt for Electron's ABI (npmRebuild, with @electron/rebuild)
    // and kept outside the asar, where the OS can load it.
    npmRebuild: true,
    nativeRebuilder: 'sequential',
    asarUnpack: ['**/node_modules/keytar/**'],
    // Set on the Electron binary at packaging time. See docs/installers.md for what each means.
    electronFuses: {
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableCookieEncryption: true,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      grantFileProtocolExtraPrivileges: false,
      loadBrowserProcessSpecificV8Snapshot: false
    },
    // A release refuses to produce unsigned installers (the release workflow sets this).
    forceCodeSigning: env.COUNTERSIGN_REQUIRE_SIGNING === '1',
    // Writes latest*.yml beside the installers for electron-updater's generic provider. The URL
    // here is not what the app uses: the app's feed comes from its update setting (README, IT).
    publish: [{ provider: 'generic', url: env.COUNTERSIGN_UPDATE_URL || 'https://updates.invalid/countersign/' }],

    win: {
      target: [
        { target: 'nsis', arch: ['x64', 'arm64'] },
        { target: 'msi', arch: ['x64'] }
      ],
      icon: 'resources/icon.png',
      artifactName: '${productName}-${version}-${os}-${arch}' + unsigned(signing.windows) + '.${ext}'
    },
    // Assisted installer: the person (or /allusers, /currentuser on the command line) chooses
    // per-user or per-machine.
    nsis: {
      oneClick: false,
      perMachine: false,
      allowElevation: true,
      allowToChangeInstallationDirectory: true,
      createDesktopShortcut: true,
      createStartMenuShortcut: true,
      deleteAppDataOnUninstall: false
    },
    // For Group Policy and Intune: per-machine, silent with `msiexec /i … /qn`.
    msi: {
      oneClick: true,
      perMachine: true,
      runAfterFinish: false,
      createDesktopShortcut: true,
      createStartMenuShortcut: true,
      upgradeCode: 'b43e7603-3fa6-45a8-9d51-b770c6b3e1ed'
    },

    mac: {
      target: [
        { target: 'dmg', arch: ['universal'] },
        { target: 'pkg', arch: ['universal'] },
        // electron-updater updates a Mac app from the zip, not from the dmg or pkg.
        { target: 'zip', arch: ['universal'] }
      ],
      category: 'public.app-category.business',
      icon: 'resources/icon.png',
      hardenedRuntime: true,
      gatekeeperAssess: false,
      entitlements: 'resources/entitlements.mac.plist',
      entitlementsInherit: 'resources/entitlements.mac.plist',
      // No certificate: do not sign with whatever identity happens to be in the keychain.
      ...(signing.mac ? {} : { identity: null }),
      notarize: signing.mac && signing.notarize,
      artifactName: '${productName}-${version}-${os}-${arch}' + unsigned(signing.mac) + '.${ext}'
    },
    dmg: { sign: false },
    pkg: {
      installLocation: '/Applications',
      allowAnywhere: false,
      allowCurrentUserHome: false,
      allowRootDirectory: false,
      isRelocatable: false,
      overwriteAction: 'upgrade',
      artifactName: '${productName}-${version}-${os}-${arch}' + unsigned(signing.macInstaller) + '.${ext}'
    },

    linux: {
      target: [
        { target: 'deb', arch: ['x64'] },
        { target: 'rpm', arch: ['x64'] },
        { target: 'AppImage', arch: ['x64'] }
      ],
      category: 'Office',
      icon: 'resources/icon.png',
      maintainer: 'Countersign <it@countersign.invalid>',
      synopsis: 'A desktop AI assistant for your CRM that asks before it acts',
      artifactName: '${productName}-${version}-${os}-${arch}.${ext}'
    },
  }
}

export default buildConfig()
