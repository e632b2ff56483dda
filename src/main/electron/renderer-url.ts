// Where the window loads the renderer from. A packaged app always loads app://countersign/;
// only a development (unpackaged) run follows electron-vite's ELECTRON_RENDERER_URL, and only to
// a dev server on this machine, so an environment variable cannot point an installed
// Countersign, with its preload and IPC, at someone else's page.
import { APP_URL } from './protocol'

export function chooseRendererUrl(options: { development: boolean; envUrl: string | undefined }): string {
  if (!options.development || !options.envUrl) return APP_URL
  try {
    const url = new URL(options.envUrl)
    const loopback = ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname)
    return (url.protocol === 'http:' || url.protocol === 'https:') && loopback && !url.username && !url.password ? url.href : APP_URL
  } catch {
    return APP_URL
  }
}
