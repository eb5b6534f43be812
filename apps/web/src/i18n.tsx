/**
 * English and Polish for the dashboard. Each page keeps its texts in a `*.messages.ts` file beside
 * it, made with {@link defineMessages} (Polish must have every English key: the types say so, and
 * a test checks the parameters and plural branches); texts are rendered by the contracts'
 * `formatMessage` — the same syntax, number formats and plurals as the CLI's. The language sticks
 * (localStorage) and starts from the browser's.
 */
import { formatMessage, isLocale, type Locale } from '@license-insights/contracts';
import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react';

export type Catalog<K extends string> = {
  readonly en: Readonly<Record<K, string>>;
  readonly pl: Readonly<Record<K, string>>;
};

export function defineMessages<const E extends Record<string, string>>(
  en: E,
  pl: Readonly<Record<keyof E & string, string>>,
): Catalog<keyof E & string> {
  return { en, pl };
}

type Params = Readonly<Record<string, string | number>>;
export type Translate<K extends string> = (key: K, params?: Params) => string;

const STORAGE_KEY = 'li.locale';

function initialLocale(): Locale {
  try {
    const saved = localStorage.getItem(STORAGE_KEY);
    if (isLocale(saved)) return saved;
  } catch {
    // storage refused (private mode): the browser's language
  }
  const lang = (navigator.languages?.[0] ?? navigator.language ?? 'en').toLowerCase().split('-')[0];
  return isLocale(lang) ? lang : 'en';
}

const LocaleContext = createContext<{ locale: Locale; setLocale: (l: Locale) => void }>({
  locale: 'en',
  setLocale: () => {},
});

export function LocaleProvider({ children }: { children: ReactNode }) {
  const [locale, setLocaleState] = useState<Locale>(initialLocale);
  useEffect(() => {
    document.documentElement.lang = locale;
  }, [locale]);
  const setLocale = useCallback((l: Locale) => {
    setLocaleState(l);
    try {
      localStorage.setItem(STORAGE_KEY, l);
    } catch {
      // not remembered; still switched
    }
  }, []);
  const value = useMemo(() => ({ locale, setLocale }), [locale, setLocale]);
  return <LocaleContext.Provider value={value}>{children}</LocaleContext.Provider>;
}

export function useLocale(): { locale: Locale; setLocale: (l: Locale) => void } {
  return useContext(LocaleContext);
}

/** The texts of one catalog in the current language. */
export function useT<K extends string>(catalog: Catalog<K>): Translate<K> {
  const { locale } = useLocale();
  return useCallback(
    (key: K, params: Params = {}) => formatMessage(locale, catalog[locale][key], params),
    [locale, catalog],
  );
}
