// Framing of the browser shell's bridge: the ConverseApi carried over a loopback WebSocket.
// Both ends parse every frame with these schemas. Binary values (attachment bytes) cannot ride
// in JSON, so each Uint8Array travels as {"$bytes": base64} and is revived on arrival, bounded
// by the largest attachment any connector accepts.
import { z } from 'zod';
import { IpcError } from '../shared/ipc';
import { ATTACHMENT_POLICIES } from '../shared/attachment-policy';

/** Path of the bridge socket and of the bridge script, on the browser shell's origin. */
export const BRIDGE_SOCKET_PATH = '/__converse/bridge';
export const BRIDGE_SCRIPT_PATH = '/__converse/web-bridge.js';
/** Answers 204 for a valid token, 401 otherwise: lets a page tell "shell down" from "shell restarted". */
export const BRIDGE_CHECK_PATH = '/__converse/check';
/** The WebSocket subprotocol; the token rides as a second one ("token.<hex>"), never in a URL. */
export const BRIDGE_PROTOCOL = 'converse-bridge.v1';
export const TOKEN_PROTOCOL_PREFIX = 'token.';
export const TOKEN_HEADER = 'x-converse-token';
/** Close code the shell uses when it shuts down on purpose. */
export const CLOSE_SHUTTING_DOWN = 4000;

/** The largest file a rep may attach anywhere; bigger byte fields are refused before decoding. */
export const MAX_BRIDGE_BYTES = Math.max(...Object.values(ATTACHMENT_POLICIES).map((p) => p.maxBytes));
/** A frame may hold one maximal attachment in base64 plus its JSON envelope. */
export const MAX_FRAME_BYTES = Math.ceil((MAX_BRIDGE_BYTES * 4) / 3) + 64 * 1024;

export const CallFrame = z.object({
  id: z.number().int().nonnegative(),
  call: z.string().min(1).max(100),
  args: z.unknown(),
});
export type CallFrame = z.infer<typeof CallFrame>;

export const AnswerFrame = z.union([
  z.object({ id: z.number().int().nonnegative(), ok: z.literal(true), result: z.unknown() }),
  z.object({ id: z.number().int().nonnegative().nullable(), ok: z.literal(false), error: IpcError }),
]);
export type AnswerFrame = z.infer<typeof AnswerFrame>;

export const EventFrame = z.object({ event: z.string().min(1).max(100), payload: z.unknown() });
export type EventFrame = z.infer<typeof EventFrame>;

export const ShellFrame = z.union([AnswerFrame, EventFrame]);
export type ShellFrame = z.infer<typeof ShellFrame>;

const BytesField = z.object({ $bytes: z.string() }).strict();

/** Replace each Uint8Array in `value` by {$bytes: base64}; `encode` is the side's base64 encoder. */
export function encodeBytes(value: unknown, encode: (bytes: Uint8Array) => string, depth = 0): unknown {
  if (value instanceof Uint8Array) return { $bytes: encode(value) };
  if (depth > 20 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => encodeBytes(v, encode, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = encodeBytes(v, encode, depth + 1);
  return out;
}

export class BridgeBytesError extends Error {
  readonly code = 'attachment_too_large';
}

/** Inverse of encodeBytes; a field whose decoded size would pass `maxBytes` throws BridgeBytesError. */
export function reviveBytes(
  value: unknown,
  decode: (base64: string) => Uint8Array,
  maxBytes = MAX_BRIDGE_BYTES,
  depth = 0,
): unknown {
  if (depth > 20 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => reviveBytes(v, decode, maxBytes, depth + 1));
  const bytes = BytesField.safeParse(value);
  if (bytes.success) {
    const b64 = bytes.data.$bytes;
    if (Math.floor((b64.length * 3) / 4) - 2 > maxBytes) {
      throw new BridgeBytesError(
        `The file is larger than ${Math.round(maxBytes / (1024 * 1024))} MB, the most any channel accepts.`,
      );
    }
    return decode(b64);
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = reviveBytes(v, decode, maxBytes, depth + 1);
  return out;
}

/** Browser-safe base64 (btoa/atob exist in browsers and Node ≥ 16), chunked to stay fast. */
export function bytesToBase64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}
export function base64ToBytes(b64: string): Uint8Array {
  const s = atob(b64);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}
