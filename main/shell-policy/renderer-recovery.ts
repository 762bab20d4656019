// A crashed renderer (render-process-gone) is reloaded: the rep keeps working and the page pulls
// its state from the core again. One that crashes over and over (a page that kills its process on
// load) would reload for ever; after MAX_CRASHES within WINDOW_MS the shell stops and says so.
const MAX_CRASHES = 3;
const WINDOW_MS = 60_000;

export function rendererRecovery(
  max = MAX_CRASHES,
  windowMs = WINDOW_MS,
): { crashed(now: number): 'reload' | 'give-up' } {
  const crashes: number[] = [];
  return {
    crashed(now) {
      crashes.push(now);
      while (crashes.length > 0 && now - crashes[0]! > windowMs) crashes.shift();
      return crashes.length > max ? 'give-up' : 'reload';
    },
  };
}
