/**
 * Light and dark: by default the system's `prefers-color-scheme`; the toggle stores an explicit
 * choice in localStorage and sets `data-theme` on <html>, which globals.css honours over the system.
 */
export type Theme = 'light' | 'dark';

export const THEME_KEY = 'berth-theme';

/** Runs before first paint (inline in the root layout). */
export const THEME_INIT_SCRIPT = `try{var t=localStorage.getItem('${THEME_KEY}');if(t==='light'||t==='dark')document.documentElement.dataset.theme=t}catch(e){}`;

export function currentTheme(): Theme {
  const explicit = document.documentElement.dataset.theme;
  if (explicit === 'light' || explicit === 'dark') return explicit;
  return window.matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
}

export function applyTheme(theme: Theme): void {
  document.documentElement.dataset.theme = theme;
  try {
    localStorage.setItem(THEME_KEY, theme);
  } catch {
    // storage refused (private mode): the choice lasts for this page only
  }
}
