import type { Metadata } from 'next';
import type { ReactNode } from 'react';
import './globals.css';
import './console.css';
import { THEME_INIT_SCRIPT } from './shell/theme.ts';
import { Providers } from './trpc.tsx';

export const metadata: Metadata = {
  title: 'Berth',
  description: 'Containers on many Linux hosts, from one page.',
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    // The theme script sets data-theme before React hydrates, so the attribute differs by design.
    <html lang="en" suppressHydrationWarning>
      <head>
        {/* biome-ignore lint/security/noDangerouslySetInnerHtml: a constant, applied before first paint to avoid a flash of the wrong theme */}
        <script dangerouslySetInnerHTML={{ __html: THEME_INIT_SCRIPT }} />
      </head>
      <body>
        <Providers>{children}</Providers>
      </body>
    </html>
  );
}
