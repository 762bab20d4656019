// Where the chat window reopens. Saved bounds are trusted only if they still land on a screen:
// a monitor unplugged since last time must not leave the window off-screen and unreachable.
import { z } from 'zod';

export const WindowBounds = z.object({
  x: z.number().int(),
  y: z.number().int(),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
});
export type WindowBounds = z.infer<typeof WindowBounds>;
export interface WorkArea {
  x: number;
  y: number;
  width: number;
  height: number;
}

export const CHAT_WINDOW_MIN = { width: 360, height: 480 };
export const CHAT_WINDOW_DEFAULT = { width: 400, height: 640 };
/** The expanded view (conversation list, details, reports) wants room. */
export const EXPANDED_WINDOW_DEFAULT = { width: 1100, height: 760 };
/** How much of the window (px each way) must overlap a screen for the saved spot to count. */
const MIN_VISIBLE = 80;

/**
 * The bounds to open with: the saved ones if they overlap a work area enough (resized to fit it),
 * otherwise the default size: the compact pop-up at the bottom-right of the primary work area, the
 * expanded view centred. Without screen information only a size is returned (the OS places it).
 */
export function restoreChatBounds(
  saved: unknown,
  workAreas: WorkArea[],
  view: 'compact' | 'expanded' = 'compact',
): WindowBounds | { width: number; height: number } {
  const primary = workAreas[0];
  const parsed = WindowBounds.safeParse(saved);
  if (parsed.success) {
    const b = parsed.data;
    const area = workAreas.find((a) => overlap(b, a) >= MIN_VISIBLE);
    if (area) return fitInside(b, area);
  }
  const size = view === 'expanded' ? EXPANDED_WINDOW_DEFAULT : CHAT_WINDOW_DEFAULT;
  if (!primary) return { ...size };
  const width = Math.min(size.width, primary.width);
  const height = Math.min(size.height, primary.height);
  if (view === 'expanded') {
    return {
      x: primary.x + Math.round((primary.width - width) / 2),
      y: primary.y + Math.round((primary.height - height) / 2),
      width,
      height,
    };
  }
  const margin = 16;
  return {
    x: Math.max(primary.x, primary.x + primary.width - width - margin),
    y: Math.max(primary.y, primary.y + primary.height - height - margin),
    width,
    height,
  };
}

function overlap(b: WindowBounds, a: WorkArea): number {
  const w = Math.min(b.x + b.width, a.x + a.width) - Math.max(b.x, a.x);
  const h = Math.min(b.y + b.height, a.y + a.height) - Math.max(b.y, a.y);
  return w <= 0 || h <= 0 ? 0 : Math.min(w, h);
}

function fitInside(b: WindowBounds, a: WorkArea): WindowBounds {
  const width = Math.min(Math.max(b.width, CHAT_WINDOW_MIN.width), a.width);
  const height = Math.min(Math.max(b.height, CHAT_WINDOW_MIN.height), a.height);
  const x = Math.min(Math.max(b.x, a.x), a.x + a.width - width);
  const y = Math.min(Math.max(b.y, a.y), a.y + a.height - height);
  return { x, y, width, height };
}
