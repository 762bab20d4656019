// Light and dark follow the OS unless the rep chose one in Settings.
import { useEffect, useState } from 'react';
import { useApp } from './state/appStore';

const query = () =>
  typeof window !== 'undefined' && window.matchMedia ? window.matchMedia('(prefers-color-scheme: dark)') : null;

export function useSystemDark(): boolean {
  const [dark, setDark] = useState(() => query()?.matches ?? false);
  useEffect(() => {
    const q = query();
    if (!q) return;
    const on = (e: MediaQueryListEvent) => setDark(e.matches);
    q.addEventListener('change', on);
    return () => q.removeEventListener('change', on);
  }, []);
  return dark;
}

export function useDarkTheme(): boolean {
  const choice = useApp((s) => s.settings?.theme ?? 'system');
  const system = useSystemDark();
  return choice === 'system' ? system : choice === 'dark';
}

/** Put the theme on <html> so the stylesheet's variables switch. */
export function useApplyTheme(): void {
  const dark = useDarkTheme();
  useEffect(() => {
    document.documentElement.dataset.theme = dark ? 'dark' : 'light';
  }, [dark]);
}
