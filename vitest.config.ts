import { defineConfig } from 'vitest/config'
import react from '@vitejs/plugin-react'

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'node',
          include: ['test/**/*.test.ts'],
          environment: 'node',
          testTimeout: 30_000,
          hookTimeout: 120_000,
          pool: 'forks',
          // electron-store imports electron; inlined, it sees the tests' `vi.mock('electron')`
          // instead of the real package (whose binary cannot be fetched here).
          server: { deps: { inline: ['electron-store'] } }
        }
      },
      {
        plugins: [react()],
        test: {
          name: 'renderer',
          include: ['src/renderer/**/*.test.{ts,tsx}'],
          environment: 'happy-dom'
        }
      }
    ]
  }
})
