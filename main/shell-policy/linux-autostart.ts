// Launch at login on Linux, where Electron's setLoginItemSettings does nothing: the XDG
// autostart entry (~/.config/autostart/<name>.desktop), started hidden to the tray.
export function linuxAutostartEntry(opts: { name: string; exec: string }): string {
  const quoted = /[\s"'\\$`]/.test(opts.exec) ? `"${opts.exec.replace(/(["\\$`])/g, '\\$1')}"` : opts.exec;
  return [
    '[Desktop Entry]',
    'Type=Application',
    `Name=${opts.name.replace(/[\r\n]/g, ' ')}`,
    `Exec=${quoted} --hidden`,
    'X-GNOME-Autostart-enabled=true',
    'NoDisplay=false',
    'Terminal=false',
    '',
  ].join('\n');
}
