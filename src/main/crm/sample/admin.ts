// TEST-ONLY administration of a sample workspace server: what a CRM administrator or another
// user would do behind the app's back. Never imported by app code (src/ must not import this).
import type { FieldValue, RecordType } from '../types'
import { versionOf, type Effect, type OutboxMessage, type Permission, type WorkspaceData } from './model'
import { ADMIN_PORT, type SampleWorkspaceServer } from './server'

export interface SampleAdmin {
  grant(login: string, permission: Permission): Promise<void>
  revoke(login: string, permission: Permission): Promise<void>
  /** Edits a record as `login` would, bypassing permissions; returns the record's new version. */
  editRecordAs(login: string, type: RecordType, id: string, changes: Record<string, FieldValue>): Promise<string>
  /** Switches an automation as `login`, bypassing permissions; returns its new version. */
  setAutomationAs(login: string, id: string, active: boolean): Promise<string>
  outbox(): Promise<OutboxMessage[]>
  effects(): Promise<Effect[]>
  /** How many times a write with this idempotency key was applied (0 or 1 if all is well). */
  effectCount(key: string): Promise<number>
  snapshot(): Promise<WorkspaceData>
  /** While offline, every call through a session throws CrmError('unavailable'). */
  setOffline(offline: boolean): void
}

export function sampleAdmin(server: SampleWorkspaceServer): SampleAdmin {
  const port = server[ADMIN_PORT]()
  const userId = (ws: WorkspaceData, login: string) => {
    const u = ws.users.find((x) => x.login === login)
    if (!u) throw new Error(`no sample user ${login}`)
    return u
  }
  return {
    grant: (login, permission) =>
      port.mutate((ws) => {
        const u = userId(ws, login)
        if (!u.permissions.includes(permission)) u.permissions.push(permission)
      }),
    revoke: (login, permission) =>
      port.mutate((ws) => {
        const u = userId(ws, login)
        u.permissions = u.permissions.filter((p) => p !== permission)
      }),
    editRecordAs: (login, type, id, changes) =>
      port.mutate((ws) => {
        const r = ws.records[type].find((x) => x.id === id)
        if (!r) throw new Error(`no ${type} ${id}`)
        Object.assign(r.fields, changes)
        r.revision += 1
        r.modifiedAt = new Date().toISOString()
        r.modifiedBy = userId(ws, login).id
        return versionOf(ws.workspaceId, r.revision)
      }),
    setAutomationAs: (login, id, active) =>
      port.mutate((ws) => {
        const a = ws.automations.find((x) => x.id === id)
        if (!a) throw new Error(`no automation ${id}`)
        a.active = active
        a.revision += 1
        a.modifiedAt = new Date().toISOString()
        a.modifiedBy = userId(ws, login).id
        return versionOf(ws.workspaceId, a.revision)
      }),
    outbox: async () => (await port.snapshot()).outbox,
    effects: async () => (await port.snapshot()).effects,
    effectCount: async (key) => (await port.snapshot()).effects.filter((e) => e.key === key).length,
    snapshot: () => port.snapshot(),
    setOffline: (offline) => port.setOffline(offline)
  }
}
