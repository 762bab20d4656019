// The embedded server's port: the preferred one (a stable address the saved session names),
// else, when something else already listens there, any free one. Any other failure is real.
export async function listenWithFallback<S>(
  start: (port: number) => Promise<S>,
  preferred: number,
): Promise<{ server: S; fellBack: boolean }> {
  try {
    return { server: await start(preferred), fellBack: false };
  } catch (err) {
    if ((err as { code?: unknown })?.code !== 'EADDRINUSE' || preferred === 0) throw err;
    return { server: await start(0), fellBack: true };
  }
}
