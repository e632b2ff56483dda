// DESIGN.md's layers are enforced by lint (eslint.config.js). These tests run ESLint's Node API
// on small snippets at made-up paths and check that each layer rule fires where it must and
// stays quiet where the import is allowed.
import { resolve } from 'node:path'
import { ESLint, type Linter } from 'eslint'
import { beforeAll, describe, expect, it } from 'vitest'

const ROOT = resolve(import.meta.dirname, '../../..')
const LAYER_RULES = new Set(['no-restricted-imports', 'no-restricted-syntax'])

let eslint: ESLint
beforeAll(() => {
  eslint = new ESLint({ cwd: ROOT })
})

async function lint(code: string, filePath: string): Promise<Linter.LintMessage[]> {
  const [result] = await eslint.lintText(code, { filePath: resolve(ROOT, filePath) })
  // A snippet that did not parse, or a path the config ignores, would prove nothing.
  expect(result.messages.filter((m) => m.fatal), `${filePath} must parse`).toEqual([])
  expect(result.messages.some((m) => /ignored/i.test(m.message)), `${filePath} must not be ignored`).toBe(false)
  return result.messages
}

const layerErrors = (messages: Linter.LintMessage[]) => messages.filter((m) => m.ruleId && LAYER_RULES.has(m.ruleId))

async function expectRefused(code: string, filePath: string, message?: RegExp) {
  const errors = layerErrors(await lint(code, filePath))
  expect(errors.length, `${code} in ${filePath} should be refused`).toBeGreaterThan(0)
  expect(errors.every((e) => e.severity === 2)).toBe(true)
  if (message) expect(errors.map((e) => e.message).join('\n')).toMatch(message)
}

async function expectAllowed(code: string, filePath: string) {
  // The layer rule is really configured for this file: an empty result is not a missing config.
  const config = await eslint.calculateConfigForFile(resolve(ROOT, filePath))
  expect(config.rules?.['no-restricted-imports']?.[0], `no-restricted-imports applies to ${filePath}`).toBe(2)
  expect(layerErrors(await lint(code, filePath)), `${code} in ${filePath} should be allowed`).toEqual([])
}

describe('src/main services: no electron, electron-store or keytar outside the adapters', () => {
  it('electron in a service is refused', () => expectRefused("import { app } from 'electron'\nexport const a = app", 'src/main/policy/x.ts', /adapters/))
  it('electron in a deep service file is refused', () => expectRefused("import 'electron'", 'src/main/crm/tryton/deep/x.ts'))
  it('electron in main/app.ts is refused', () => expectRefused("import type { App } from 'electron'\nexport type A = App", 'src/main/app.ts'))
  it('electron in the Electron adapters is allowed', () => expectAllowed("import { app } from 'electron'\nexport const a = app", 'src/main/electron/x.ts'))
  it('electron in the Electron composition root is allowed', () => expectAllowed("import { app } from 'electron'\nexport const a = app", 'src/main/electron/index.ts'))
  it('electron in the headless host is refused', () => expectRefused("import 'electron'", 'src/main/headless/host.ts'))
  it('dynamic import("electron") in a service is refused', () => expectRefused("export const e = () => import('electron')", 'src/main/assistant/x.ts'))

  it('electron-store in a service is refused', () => expectRefused("import Store from 'electron-store'\nexport const s = Store", 'src/main/settings/x.ts'))
  it('electron-store in another storage file is refused', () => expectRefused("import 'electron-store'", 'src/main/storage/conf-store.ts'))
  it('electron-store in its adapter is allowed', () => expectAllowed("import Store from 'electron-store'\nexport const s = Store", 'src/main/storage/electron-store.ts'))
  it('electron-store in the Electron adapters is still refused', () => expectRefused("import 'electron-store'", 'src/main/electron/window.ts'))

  it('keytar in a service is refused', () => expectRefused("import keytar from 'keytar'\nexport const k = keytar", 'src/main/accounts/x.ts'))
  it('keytar in another secrets file is refused', () => expectRefused("import 'keytar'", 'src/main/secrets/memory-store.ts'))
  it('dynamic import("keytar") in a service is refused', () => expectRefused("export const k = () => import('keytar')", 'src/main/providers/x.ts'))
  it('keytar in its adapter is allowed, static or dynamic', async () => {
    await expectAllowed("import keytar from 'keytar'\nexport const k = keytar", 'src/main/secrets/keytar-store.ts')
    await expectAllowed("export const k = () => import('keytar')", 'src/main/secrets/keytar-store.ts')
  })

  it('ipc/ importing the assistant is refused', () => expectRefused("import { Assistant } from '../assistant/assistant'\nexport const a = Assistant", 'src/main/ipc/x.ts', /below the services/))
  it('ipc/ importing the ledger for its error type is refused', () => expectRefused("import { DecisionRefusedError } from '../actions/ledger'\nexport const a = DecisionRefusedError", 'src/main/ipc/dispatch.ts', /below the services/))
  it('ipc/ importing the errors module is allowed', () => expectAllowed("import { AssistantError } from '../errors'\nexport const a = AssistantError", 'src/main/ipc/dispatch.ts'))
  it('Node built-ins and other packages are fine in main', () => expectAllowed("import { join } from 'node:path'\nimport { z } from 'zod'\nexport const a = [join, z]", 'src/main/policy/x.ts'))
  it('main may import src/shared', () => expectAllowed("import type { Decision } from '../../shared/domain'\nexport type D = Decision", 'src/main/policy/x.ts'))

  it('main importing the renderer is refused', () => expectRefused("import '../../renderer/src/store'", 'src/main/policy/x.ts'))
  it('main importing the renderer from the top of main is refused', () => expectRefused("import '../renderer/src/App'", 'src/main/app.ts'))
  it('main importing the preload is refused', () => expectRefused("import '../../preload/index'", 'src/main/electron/x.ts'))
})

describe('composition roots alone pick implementations', () => {
  it.each([
    ["import '../secrets/keytar-store'", 'src/main/accounts/x.ts'],
    ["import '../secrets/memory-store'", 'src/main/providers/x.ts'],
    ["import '../storage/node-store'", 'src/main/actions/x.ts'],
    ["import '../storage/electron-store'", 'src/main/electron/window.ts'],
    ["import './crm/sample'", 'src/main/app.ts'],
    ["import '../crm/tryton/index'", 'src/main/assistant/x.ts']
  ])('%s in %s is refused', (code, file) => expectRefused(code, file, /composition roots/))

  it.each([
    ["import '../secrets/keytar-store'\nimport '../storage/electron-store'\nimport '../crm/sample'\nimport '../crm/tryton'", 'src/main/electron/index.ts'],
    ["import '../secrets/keytar-store'\nimport '../secrets/memory-store'\nimport '../storage/node-store'\nimport '../crm/sample'", 'src/main/headless/host.ts'],
    ["import '../storage/types'\nimport '../secrets/types'\nimport '../crm/types'", 'src/main/app/x.ts']
  ])('%s in %s is allowed', (code, file) => expectAllowed(code, file))
})

describe('src/shared: no electron, no Node built-ins, no React, nothing from main, renderer or preload', () => {
  it.each([
    ["import fs from 'node:fs'", 'src/shared/x.ts'],
    ["import fs from 'fs'", 'src/shared/x.ts'],
    ["import { readFile } from 'fs/promises'", 'src/shared/x.ts'],
    ["import path from 'path'", 'src/shared/x.ts'],
    ["import { createHash } from 'crypto'", 'src/shared/x.ts'],
    ["import { createHash } from 'node:crypto'", 'src/shared/sub/x.ts'],
    ["import { ipcRenderer } from 'electron'", 'src/shared/x.ts'],
    ["import React from 'react'", 'src/shared/x.ts'],
    ["import { createRoot } from 'react-dom/client'", 'src/shared/x.ts'],
    ["import '../main/app'", 'src/shared/x.ts'],
    ["import '../../main/app'", 'src/shared/sub/x.ts'],
    ["import '../renderer/src/format'", 'src/shared/x.ts'],
    ["import '../preload/index'", 'src/shared/x.ts'],
    ["export * from '../main/policy/policy'", 'src/shared/x.ts'],
    ["export const e = () => import('node:fs')", 'src/shared/x.ts']
  ])('%s in %s is refused', (code, file) => expectRefused(code, file))

  it('zod and sibling files are allowed', () => expectAllowed("import { z } from 'zod'\nimport './domain'\nimport '../domain'\nexport const a = z", 'src/shared/sub/x.ts'))
})

describe('src/renderer: no electron, no Node built-ins, nothing from main or preload', () => {
  it.each([
    ["import { ipcRenderer } from 'electron'", 'src/renderer/src/x.ts'],
    ["import fs from 'node:fs'", 'src/renderer/src/x.ts'],
    ["import path from 'path'", 'src/renderer/src/components/X.tsx'],
    ["import '../main/app'", 'src/renderer/x.ts'],
    ["import '../../main/app'", 'src/renderer/src/x.ts'],
    ["import '../../../main/actions/ledger'", 'src/renderer/src/store/x.ts'],
    ["import type { Handlers } from '../../../main/ipc/dispatch'", 'src/renderer/src/api/x.ts'],
    ["import '../../preload/index'", 'src/renderer/src/x.ts'],
    ["import '../../../src/main/app'", 'src/renderer/src/x.ts'],
    ["export const e = () => import('electron')", 'src/renderer/src/x.ts']
  ])('%s in %s is refused', (code, file) => expectRefused(code, file))

  it('shared, React and its own files are allowed', () =>
    expectAllowed(
      "import React from 'react'\nimport { configureStore } from '@reduxjs/toolkit'\nimport type { ActionView } from '../../../shared/domain'\nimport '../api/names'\nexport const a = [React, configureStore]\nexport type A = ActionView",
      'src/renderer/src/store/x.ts'
    ))

  it('a renderer folder or file that happens to be called main is its own, and allowed', () =>
    expectAllowed("import './main'\nimport '../main'", 'src/renderer/src/components/x.ts'))
})

describe('src/preload: electron and src/shared only', () => {
  it.each([
    ["import { readFileSync } from 'node:fs'", 'src/preload/index.ts'],
    ["import { z } from 'zod'", 'src/preload/index.ts'],
    ["import React from 'react'", 'src/preload/index.ts'],
    ["import '../main/ipc/dispatch'", 'src/preload/index.ts'],
    ["import '../renderer/src/api'", 'src/preload/index.ts'],
    ["import '../../main/app'", 'src/preload/sub/x.ts'],
    ["import '../../package.json'", 'src/preload/index.ts']
  ])('%s in %s is refused', (code, file) => expectRefused(code, file))

  it('electron and the shared contract are allowed', () =>
    expectAllowed(
      "import { contextBridge, ipcRenderer } from 'electron'\nimport type { CountersignApi } from '../shared/contract'\nimport './helpers'\nexport const a = [contextBridge, ipcRenderer]\nexport type A = CountersignApi",
      'src/preload/index.ts'
    ))
})

describe('crm/sample/admin is test-only', () => {
  it.each([
    ["import { sampleAdmin } from './crm/sample/admin'", 'src/main/app.ts'],
    ["import { sampleAdmin } from '../crm/sample/admin'", 'src/main/headless/host.ts'],
    ["import { sampleAdmin } from '../crm/sample/admin'", 'src/main/electron/index.ts'],
    ["import { sampleAdmin } from './sample/admin'", 'src/main/crm/x.ts'],
    ["export { sampleAdmin } from './admin'", 'src/main/crm/sample/index.ts'],
    ["import './admin.ts'", 'src/main/crm/sample/server.ts'],
    ["import '../../main/crm/sample/admin'", 'src/renderer/src/x.ts']
  ])('%s in %s is refused', (code, file) => expectRefused(code, file, /test-only/))

  it('tests may import it', async () => {
    const messages = await lint("import { sampleAdmin } from '../../../src/main/crm/sample/admin'\nexport const a = sampleAdmin", 'test/unit/crm/x.ts')
    expect(layerErrors(messages)).toEqual([])
  })

  it('sample files may import their siblings', () => expectAllowed("import './store'\nimport './seed'", 'src/main/crm/sample/server.ts'))
})

describe('the current tree', () => {
  it('passes the layer rules', async () => {
    const results = await eslint.lintFiles(['src'])
    expect(results.length).toBeGreaterThan(50)
    const violations = results.flatMap((r) => layerErrors(r.messages).map((m) => `${r.filePath}:${m.line} ${m.message}`))
    expect(violations).toEqual([])
  }, 120_000)
})
