// Interface strings through i18next: English and Hindi complete. The language follows the
// OS/browser locale unless the rep picked one in Settings ('system' = follow the locale).
import i18next, { type Resource } from 'i18next';
import { initReactI18next } from 'react-i18next';
import { en } from './en';
import { hi } from './hi';
import { pluginResources } from './plugins';

export const SUPPORTED_LANGUAGES = [
  { code: 'en', name: 'English' },
  { code: 'hi', name: 'हिन्दी' },
] as const;
export type LanguageCode = (typeof SUPPORTED_LANGUAGES)[number]['code'];

const isSupported = (code: string): code is LanguageCode => SUPPORTED_LANGUAGES.some((l) => l.code === code);

/** The first supported language among the system's preferred locales, else English. */
export function systemLanguage(): LanguageCode {
  const prefs = typeof navigator !== 'undefined' ? [...(navigator.languages ?? []), navigator.language] : [];
  for (const p of prefs) {
    const base = (p ?? '').toLowerCase().split('-')[0];
    if (isSupported(base)) return base;
  }
  return 'en';
}

/** A setting value ('system', 'en', 'hi', anything unknown) to the language to show. */
export const resolveLanguage = (setting: string | null | undefined): LanguageCode =>
  !setting || setting === 'system' || !isSupported(setting) ? systemLanguage() : setting;

function resources(): Resource {
  const res: Resource = { en: { translation: en }, hi: { translation: hi } };
  for (const [ns, byLang] of Object.entries(pluginResources())) {
    for (const [lang, strings] of Object.entries(byLang)) if (res[lang]) res[lang][ns] = strings;
  }
  return res;
}

export const i18n = i18next.createInstance();
void i18n.use(initReactI18next).init({
  resources: resources(),
  lng: systemLanguage(),
  fallbackLng: 'en',
  defaultNS: 'translation',
  // React escapes what it renders; lead content is never HTML anyway.
  interpolation: { escapeValue: false },
  returnNull: false,
  initAsync: false,
  showSupportNotice: false,
});

function applyDocumentLanguage(lang: string): void {
  if (typeof document !== 'undefined') document.documentElement.lang = lang;
}
applyDocumentLanguage(i18n.language);

export async function changeLanguage(setting: string | null | undefined): Promise<void> {
  const lang = resolveLanguage(setting);
  if (i18n.language !== lang) await i18n.changeLanguage(lang);
  applyDocumentLanguage(lang);
}

/** The locale for dates and numbers: the system's own when it speaks the UI language. */
export function formatLocale(): string {
  const lang = i18n.language || 'en';
  const sys = typeof navigator !== 'undefined' ? navigator.language : 'en-US';
  if (sys && sys.toLowerCase().startsWith(lang)) return sys;
  return lang === 'hi' ? 'hi-IN' : lang;
}
