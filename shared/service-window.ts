// WhatsApp's 24-hour customer service window: opened and renewed only by the lead's own
// messages; our messages, templates included, never reopen it.
export const SERVICE_WINDOW_MS = 24 * 60 * 60 * 1000;

/** When the window closes, given the newest inbound WhatsApp message time (null: never opened). */
export function serviceWindowClosesAt(lastInboundAt: Date | string | null): Date | null {
  if (lastInboundAt === null) return null;
  const t = typeof lastInboundAt === 'string' ? Date.parse(lastInboundAt) : lastInboundAt.getTime();
  return Number.isFinite(t) ? new Date(t + SERVICE_WINDOW_MS) : null;
}

export function isServiceWindowOpen(closesAt: Date | string | null | undefined, now: Date = new Date()): boolean {
  if (!closesAt) return false;
  const t = typeof closesAt === 'string' ? Date.parse(closesAt) : closesAt.getTime();
  return Number.isFinite(t) && t > now.getTime();
}

/** Milliseconds left in the window (0 when closed), for the composer's countdown. */
export function serviceWindowRemainingMs(closesAt: Date | string | null | undefined, now: Date = new Date()): number {
  if (!closesAt) return 0;
  const t = typeof closesAt === 'string' ? Date.parse(closesAt) : closesAt.getTime();
  return Number.isFinite(t) ? Math.max(0, t - now.getTime()) : 0;
}
