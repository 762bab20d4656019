// What a launch asks for, from its command line. `--hidden`: started at login, stay in the tray.
// `--toggle`: show or hide the chat window, for desktops where a global shortcut cannot be
// registered by the app (GNOME on Wayland): the rep binds alt+m to `converse-desktop --toggle`
// in the desktop's own keyboard settings, and the second launch hands the flag to the first
// through the single-instance lock.
export type LaunchIntent = 'toggle' | 'show' | 'hidden';

export function launchIntent(argv: readonly string[]): LaunchIntent {
  if (argv.includes('--toggle')) return 'toggle';
  if (argv.includes('--hidden')) return 'hidden';
  return 'show';
}
