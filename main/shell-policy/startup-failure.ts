// What the rep is told when the app cannot start: a dialog (dialog.showErrorBox) that says what
// went wrong in plain words and what to do, and where the details are. A packaged app started
// from a launcher has no console; before this it simply vanished.
export interface StartupFailureText {
  title: string;
  content: string;
}

interface FailureKind {
  matches(name: string, code: unknown): boolean;
  title: string;
  /** What the rep should do, after the error's own message; empty when the message says it all. */
  advice: string;
}

const WRITE_FAILURE_CODES: readonly unknown[] = ['EACCES', 'EPERM', 'ENOSPC', 'EROFS'];

// The known failures, first match wins; anything else falls through to UNKNOWN_FAILURE.
const FAILURE_KINDS: readonly FailureKind[] = [
  {
    matches: (name) => name === 'NativeBindingError',
    title: 'Converse Desktop is missing a part',
    advice: '',
  },
  {
    matches: (name) => name === 'DatabaseTooNewError',
    title: 'Converse Desktop is older than its data',
    advice: 'Install the latest Converse Desktop.',
  },
  {
    matches: (_name, code) => WRITE_FAILURE_CODES.includes(code),
    title: 'Converse Desktop cannot write its data',
    advice:
      "Check that the disk has free space and that your user may write to the app's data folder, then start Converse Desktop again.",
  },
];

const UNKNOWN_FAILURE: FailureKind = {
  matches: () => true,
  title: 'Converse Desktop could not start',
  advice: 'Start Converse Desktop again. If this keeps happening, send the log file to your administrator.',
};

export function startupFailureText(err: unknown, logFile: string | null): StartupFailureText {
  const e = err as { name?: unknown; message?: unknown; code?: unknown } | null;
  const name = typeof e?.name === 'string' ? e.name : '';
  const message = typeof e?.message === 'string' && e.message ? e.message : String(err);
  const details = logFile ? `\n\nDetails are in ${logFile}.` : '';
  const kind = FAILURE_KINDS.find((k) => k.matches(name, e?.code)) ?? UNKNOWN_FAILURE;
  const advice = kind.advice ? `\n\n${kind.advice}` : '';
  return { title: kind.title, content: `${message}${advice}${details}` };
}
