// What the rep is told when the app cannot start: a dialog (dialog.showErrorBox) that says what
// went wrong in plain words and what to do, and where the details are. A packaged app started
// from a launcher has no console; before this it simply vanished.
export interface StartupFailureText {
  title: string;
  content: string;
}

export function startupFailureText(err: unknown, logFile: string | null): StartupFailureText {
  const e = err as { name?: unknown; message?: unknown; code?: unknown } | null;
  const name = typeof e?.name === 'string' ? e.name : '';
  const message = typeof e?.message === 'string' && e.message ? e.message : String(err);
  const details = logFile ? `\n\nDetails are in ${logFile}.` : '';
  if (name === 'NativeBindingError') {
    return { title: 'Converse Desktop is missing a part', content: `${message}${details}` };
  }
  if (name === 'DatabaseTooNewError') {
    return {
      title: 'Converse Desktop is older than its data',
      content: `${message}\n\nInstall the latest Converse Desktop.${details}`,
    };
  }
  if (e?.code === 'EACCES' || e?.code === 'EPERM' || e?.code === 'ENOSPC' || e?.code === 'EROFS') {
    return {
      title: 'Converse Desktop cannot write its data',
      content: `${message}\n\nCheck that the disk has free space and that your user may write to the app's data folder, then start Converse Desktop again.${details}`,
    };
  }
  return {
    title: 'Converse Desktop could not start',
    content: `${message}\n\nStart Converse Desktop again. If this keeps happening, send the log file to your administrator.${details}`,
  };
}
