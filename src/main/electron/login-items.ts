// "Start at login". macOS and Windows through Electron's login items; Linux, where Electron has
// none, through an XDG autostart entry. Started at login, Countersign opens in the tray only.
import { mkdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs'
import { join } from 'node:path'

export const HIDDEN_ARG = '--hidden'

export interface LoginItems {
  isEnabled(): boolean
  setEnabled(enabled: boolean): void
  /** True when this launch came from the login item: stay in the tray. */
  startedAtLogin(argv: readonly string[]): boolean
}

type LoginItemApp = {
  getLoginItemSettings(options?: { args?: string[] }): { openAtLogin: boolean; wasOpenedAtLogin?: boolean }
  setLoginItemSettings(settings: { openAtLogin: boolean; args?: string[] }): void
}

export function createLoginItems(options: {
  platform: NodeJS.Platform
  app: LoginItemApp
  /** The program to start: the AppImage itself when run from one, else Electron's executable. */
  executable: string
  /** $XDG_CONFIG_HOME or ~/.config, for Linux. */
  configHome: string
}): LoginItems {
  if (options.platform === 'linux') return new XdgAutostart(join(options.configHome, 'autostart', 'countersign.desktop'), options.executable)
  const args = options.platform === 'win32' ? [HIDDEN_ARG] : undefined
  return {
    isEnabled: () => options.app.getLoginItemSettings(args ? { args } : undefined).openAtLogin,
    setEnabled: (enabled) => options.app.setLoginItemSettings({ openAtLogin: enabled, ...(args ? { args } : {}) }),
    startedAtLogin: (argv) => argv.includes(HIDDEN_ARG) || (options.platform === 'darwin' && options.app.getLoginItemSettings().wasOpenedAtLogin === true)
  }
}

/** Desktop Entry Specification: an Exec argument with spaces or specials is double-quoted, with
 *  `"`, `` ` ``, `$` and `\` escaped; `%` is doubled (it starts a field code). */
export function quoteExecArg(arg: string): string {
  const escaped = arg.replace(/%/g, '%%')
  if (!/[\s"'`$\\<>~|&;*?#()]/.test(arg)) return escaped
  return `"${escaped.replace(/(["`$\\])/g, '\\$1')}"`
}

export class XdgAutostart implements LoginItems {
  constructor(
    readonly file: string,
    private readonly executable: string
  ) {}

  isEnabled(): boolean {
    if (!existsSync(this.file)) return false
    try {
      return !/^Hidden\s*=\s*true\s*$/m.test(readFileSync(this.file, 'utf8'))
    } catch {
      return false
    }
  }

  setEnabled(enabled: boolean): void {
    if (!enabled) {
      rmSync(this.file, { force: true })
      return
    }
    mkdirSync(join(this.file, '..'), { recursive: true })
    const entry = [
      '[Desktop Entry]',
      'Type=Application',
      'Name=Countersign',
      'Comment=Keeps your CRM approvals reachable',
      `Exec=${quoteExecArg(this.executable)} ${HIDDEN_ARG}`,
      'Terminal=false',
      'X-GNOME-Autostart-enabled=true',
      ''
    ].join('\n')
    writeFileSync(this.file, entry, { mode: 0o644 })
  }

  startedAtLogin(argv: readonly string[]): boolean {
    return argv.includes(HIDDEN_ARG)
  }
}
