import { resolve } from 'node:path'
import { defineConfig } from 'vite'
import react from '@vitejs/plugin-react'

// The same renderer, built on its own for the headless host (no Electron needed).
export default defineConfig({
  root: resolve(import.meta.dirname, 'src/renderer'),
  base: './',
  plugins: [react()],
  build: { outDir: resolve(import.meta.dirname, 'out/renderer'), emptyOutDir: true }
})
