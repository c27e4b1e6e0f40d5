'use client';

import { useEffect, useState } from 'react';
import { applyTheme, currentTheme, type Theme } from './theme.ts';

export function ThemeToggle() {
  // Unknown until mounted: the server cannot see the browser's preference.
  const [theme, setTheme] = useState<Theme | null>(null);
  useEffect(() => setTheme(currentTheme()), []);
  const next: Theme = theme === 'dark' ? 'light' : 'dark';
  return (
    <button
      type="button"
      className="button theme-toggle"
      aria-label={`Switch to ${next} theme`}
      onClick={() => {
        applyTheme(next);
        setTheme(next);
      }}
    >
      {theme === 'dark' ? '☀ Light' : '☾ Dark'}
    </button>
  );
}
