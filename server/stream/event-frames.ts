// Packs serialised events into `events` frames by size, the one rule for replay, live pushes and
// the resume after backpressure: a frame holds events up to EVENTS_FRAME_TARGET_BYTES (and at
// most MAX_EVENTS_PER_FRAME), an event larger than the target travels alone, and no frame is
// ever larger than the desktop accepts (MAX_SERVER_FRAME_BYTES), so no backlog can wedge a device.
import { EVENTS_FRAME_TARGET_BYTES, MAX_EVENTS_PER_FRAME, MAX_SERVER_FRAME_BYTES } from '../../shared/stream-protocol';

/** One SequencedEvent as JSON text. */
export interface SerialisedEvent {
  seq: number;
  json: string;
}

export interface EventFrameLimits {
  targetBytes: number;
  maxEvents: number;
  maxFrameBytes: number;
}
const DEFAULT_LIMITS: EventFrameLimits = {
  targetBytes: EVENTS_FRAME_TARGET_BYTES,
  maxEvents: MAX_EVENTS_PER_FRAME,
  maxFrameBytes: MAX_SERVER_FRAME_BYTES,
};

const OPEN = '{"type":"events","events":[';
const CLOSE = ']}';
/** Bytes of a frame around its events (both ends are ASCII). */
const ENVELOPE_BYTES = OPEN.length + CLOSE.length;

export interface PackedEvents {
  /** The frames' text, in seq order. */
  frames: string[];
  /** Events no frame the desktop accepts could carry (only data stored before the input bounds can be
   * this large); they are left out so that every later event still arrives. */
  tooLarge: number[];
}

export function packEventFrames(
  events: readonly SerialisedEvent[],
  limits: Partial<EventFrameLimits> = {},
): PackedEvents {
  const { targetBytes, maxEvents, maxFrameBytes } = { ...DEFAULT_LIMITS, ...limits };
  const frames: string[] = [];
  const tooLarge: number[] = [];
  let parts: string[] = [];
  let bytes = ENVELOPE_BYTES;
  const flush = () => {
    if (parts.length > 0) frames.push(`${OPEN}${parts.join(',')}${CLOSE}`);
    parts = [];
    bytes = ENVELOPE_BYTES;
  };
  for (const e of events) {
    const size = Buffer.byteLength(e.json);
    if (ENVELOPE_BYTES + size > maxFrameBytes) {
      tooLarge.push(e.seq);
      continue;
    }
    const added = size + (parts.length > 0 ? 1 : 0);
    if (parts.length > 0 && (bytes + added > targetBytes || parts.length >= maxEvents)) flush();
    bytes += size + (parts.length > 0 ? 1 : 0);
    parts.push(e.json);
  }
  flush();
  return { frames, tooLarge };
}

const serialised = new WeakMap<object, SerialisedEvent>();

/** A live event as the log appended it, serialised once however many of its user's devices it goes to. */
export function serialiseEvent(e: { seq: number; at: string; event: unknown }): SerialisedEvent {
  let s = serialised.get(e);
  if (!s) {
    s = { seq: e.seq, json: JSON.stringify({ seq: e.seq, at: e.at, event: e.event }) };
    serialised.set(e, s);
  }
  return s;
}
