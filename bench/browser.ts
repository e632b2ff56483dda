// The browser section of `npm run bench`: the real renderer in Debian's Chromium against the
// headless host, with a ledger seeded with 1,000 and 10,000 waiting actions. Reports how long the
// inbox takes to show its first row, the frame rate while scrolling it, and how long a Decline
// takes to show. Figures only: nothing here passes or fails a test.
import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import { chromium, type Page } from '@playwright/test'
import { Host } from '../e2e/host'
import { seedAction, writeLedger } from '../test/support/seed-actions'
import { HostClient } from '../test/support/ws-client'

const ROOT = resolve(import.meta.dirname, '..')
const SIZES = [1_000, 10_000]
const FIRST_ROW_RUNS = 5
const SCROLL_MS = 3_000

export type BrowserFigures = {
  size: number
  firstRowMs: number[]
  fps: number
  p95FrameMs: number
  maxFrameMs: number
  rowsScrolled: number
  declineMs: number
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)]
}

// The page-side code is passed as text: tsx would otherwise wrap named functions in a helper that
// exists only in Node.

/** Clicks Inbox and resolves with the time until its first row is in the page. */
const FIRST_ROW = `new Promise((resolveTime, reject) => {
  const start = performance.now()
  const observer = new MutationObserver(() => {
    if (document.querySelector('[data-testid="inbox-item"]')) {
      observer.disconnect()
      resolveTime(performance.now() - start)
    }
  })
  observer.observe(document.body, { childList: true, subtree: true })
  document.querySelector('[data-testid="nav-inbox"]').click()
  setTimeout(() => reject(new Error('no inbox row within 60 s')), 60000)
})`

/** Scrolls the inbox down steadily, one step per animation frame; frame times from rAF. */
const SCROLL = (ms: number) => `new Promise((done) => {
  const el = document.querySelector('[data-testid="inbox-scroll"]')
  const frames = []
  const start = performance.now()
  let last = start
  const step = (now) => {
    frames.push(now - last)
    last = now
    el.scrollTop += 40
    if (now - start < ${ms}) requestAnimationFrame(step)
    else done({ frames: frames.slice(1), rows: document.querySelectorAll('[data-testid="inbox-item"]').length })
  }
  requestAnimationFrame(step)
})`

async function timeFirstRow(page: Page): Promise<number> {
  return (await page.evaluate(FIRST_ROW)) as number
}

async function scrollFrames(page: Page, ms: number): Promise<{ frames: number[]; rows: number }> {
  return (await page.evaluate(SCROLL(ms))) as { frames: number[]; rows: number }
}

async function benchSize(size: number): Promise<BrowserFigures> {
  const now = Date.now()
  const host = new Host()
  writeLedger(
    host.dataDir,
    Array.from({ length: size }, (_, i) => seedAction({ createdAt: now - (i % 40) * 3_600_000, expiresAt: now + (1 + (i % 47)) * 3_600_000 }))
  )
  const info = await host.start()
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking', '--no-first-run']
  })
  try {
    const client = await HostClient.connect(info.port, info.token)
    await client.request('accounts.signIn', { kind: 'sample', login: 'maria' })
    client.close()
    const page = await browser.newPage({ viewport: { width: 1280, height: 860 } })
    await page.goto(info.url)
    await page.getByTestId('composer-input').waitFor()
    const firstRowMs: number[] = []
    for (let i = 0; i < FIRST_ROW_RUNS; i++) {
      await page.getByTestId('nav-settings').click()
      await page.getByTestId('appearance-settings').waitFor()
      firstRowMs.push(await timeFirstRow(page))
    }
    await page.waitForTimeout(300)
    const { frames, rows } = await scrollFrames(page, SCROLL_MS)
    const sorted = [...frames].sort((a, b) => a - b)
    const mean = frames.reduce((a, b) => a + b, 0) / frames.length

    await page.getByTestId('inbox-scroll').evaluate((el) => el.scrollTo(0, 0))
    const row = page.getByTestId('inbox-item').first()
    await row.getByTestId('inbox-row-toggle').click()
    await row.getByTestId('decline-button').click()
    const declineStart = Date.now()
    await row.getByTestId('decline-confirm').click()
    await page.locator('[data-testid="inbox-item"][data-state="declined"]').first().waitFor()
    const declineMs = Date.now() - declineStart
    return {
      size,
      firstRowMs,
      fps: 1000 / mean,
      p95FrameMs: sorted[Math.floor(sorted.length * 0.95)],
      maxFrameMs: sorted.at(-1) ?? 0,
      rowsScrolled: rows,
      declineMs
    }
  } finally {
    await browser.close()
    await host.dispose()
  }
}

/** Runs the section and returns its lines for bench/results.md. */
export async function browserSection(): Promise<string[]> {
  if (!existsSync(resolve(ROOT, 'out/renderer/index.html')) || process.env.BENCH_BUILD_RENDERER) {
    execFileSync('npx', ['vite', 'build', '--config', 'vite.renderer.config.ts', '--logLevel', 'warn'], { cwd: ROOT, stdio: 'inherit' })
  }
  const runs: BrowserFigures[] = []
  for (const size of SIZES) runs.push(await benchSize(size))
  const lines: string[] = []
  lines.push('## Inbox in the browser (renderer in Chromium against the headless host)')
  lines.push('')
  lines.push(
    `Debian Chromium (software rendering, --disable-gpu), 1280×860; the ledger seeded with that many waiting actions for the signed-in user. First row: from the click on Inbox to its first row in the page, median of ${FIRST_ROW_RUNS}. Scrolling: ${SCROLL_MS / 1000} s of steady scrolling (40 px per animation frame), frame times from requestAnimationFrame; further pages load during it. Decline: from the click on Decline to the row showing "Declined".`
  )
  lines.push('')
  lines.push('| waiting | first row (median, min–max) | scroll frame rate | frame time p95 / max | rows in the page after scrolling | decline shown |')
  lines.push('| --- | --- | --- | --- | --- | --- |')
  for (const r of runs) {
    lines.push(
      `| ${r.size.toLocaleString('en-US')} | ${median(r.firstRowMs).toFixed(0)} ms (${Math.min(...r.firstRowMs).toFixed(0)}–${Math.max(...r.firstRowMs).toFixed(0)}) | ${r.fps.toFixed(1)} fps | ${r.p95FrameMs.toFixed(1)} / ${r.maxFrameMs.toFixed(1)} ms | ${r.rowsScrolled} | ${r.declineMs} ms |`
    )
  }
  const at10k = runs.find((r) => r.size === 10_000)
  if (at10k) {
    lines.push('')
    lines.push(
      `Targets at 10,000 waiting: first row under 200 ms — ${median(at10k.firstRowMs) < 200 ? 'met' : 'NOT met'} (${median(at10k.firstRowMs).toFixed(0)} ms); scrolling at 60 fps — ${at10k.fps >= 58 ? 'met' : 'NOT met'} (${at10k.fps.toFixed(1)} fps; a headless software-rendered Chromium caps near the display's 60 Hz).`
    )
  }
  return lines
}
