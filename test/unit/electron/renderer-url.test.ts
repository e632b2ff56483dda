// ELECTRON_RENDERER_URL is honoured only in development, and only towards this machine.
import { describe, expect, it, vi } from 'vitest'

vi.mock('electron', () => ({}))

import { chooseRendererUrl } from '../../../src/main/electron/renderer-url'

describe('chooseRendererUrl', () => {
  it('a packaged app always loads app://countersign/index.html', () => {
    for (const envUrl of [undefined, 'http://localhost:5173/', 'https://evil.example.com/']) {
      expect(chooseRendererUrl({ development: false, envUrl })).toBe('app://countersign/index.html')
    }
  })

  it('in development it follows the dev server on this machine', () => {
    expect(chooseRendererUrl({ development: true, envUrl: 'http://localhost:5173' })).toBe('http://localhost:5173/')
    expect(chooseRendererUrl({ development: true, envUrl: 'http://127.0.0.1:5174/' })).toBe('http://127.0.0.1:5174/')
    expect(chooseRendererUrl({ development: true, envUrl: undefined })).toBe('app://countersign/index.html')
  })

  it.each(['https://evil.example.com/', 'http://localhost.evil.com:5173/', 'file:///tmp/x.html', 'http://user:pw@localhost:5173/', 'javascript:alert(1)', 'not a url'])(
    'in development it still refuses %s and loads app:// instead',
    (envUrl) => {
      expect(chooseRendererUrl({ development: true, envUrl })).toBe('app://countersign/index.html')
    }
  )
})
