import type { ReactNode } from 'react';
import { AppShell } from '../shell/app-shell.tsx';

// The server in front of Next only lets a logged-in browser reach these pages (src/server/http/page-gate.ts).
export const dynamic = 'force-dynamic';

export default function ConsoleLayout({ children }: { children: ReactNode }) {
  return <AppShell>{children}</AppShell>;
}
