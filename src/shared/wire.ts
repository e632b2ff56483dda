// The headless host's wire protocol: the same contract as Electron IPC, carried as JSON over a
// loopback WebSocket at ws://127.0.0.1:<port>/ipc?token=<per-run token>.
import { z } from 'zod'

export const clientMessageSchema = z
  .object({
    type: z.literal('request'),
    id: z.number().int().nonnegative(),
    name: z.string().max(100),
    input: z.unknown()
  })
  .strict()
export type ClientMessage = z.infer<typeof clientMessageSchema>

export type ServerMessage =
  | { type: 'response'; id: number; envelope: { ok: true; value: unknown } | { ok: false; error: { code: string; message: string } } }
  | { type: 'event'; name: string; payload: unknown }
