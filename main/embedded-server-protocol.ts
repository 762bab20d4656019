// What the Electron main process and the embedded server's utility process say to each other.
// Validated on both sides: it crosses a process boundary.
import { z } from 'zod';

export const EmbeddedServerRequest = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('start'),
    dataDir: z.string().min(1),
    /** The port to try first; 0 for any free one. */
    port: z.number().int().min(0).max(65535),
    sqliteBinding: z.string().optional(),
    /** The server's own log (pino JSON lines), beside the desktop's in <userData>/logs. */
    logFile: z.string().min(1),
  }),
  z.object({ type: z.literal('stop') }),
]);
export type EmbeddedServerRequest = z.infer<typeof EmbeddedServerRequest>;

export const EmbeddedServerReply = z.discriminatedUnion('type', [
  /** The child listens: main sends 'start' only then, so the request cannot arrive unheard. */
  z.object({ type: z.literal('ready') }),
  z.object({ type: z.literal('listening'), url: z.string().url(), port: z.number().int(), fellBack: z.boolean() }),
  z.object({ type: z.literal('failed'), message: z.string(), code: z.string().optional() }),
  z.object({ type: z.literal('stopped') }),
]);
export type EmbeddedServerReply = z.infer<typeof EmbeddedServerReply>;
