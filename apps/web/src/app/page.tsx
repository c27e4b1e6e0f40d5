import { HostsView } from './hosts-view.tsx';
import { TopBar } from './top-bar.tsx';

// The server in front of Next only lets a logged-in browser reach this page (src/server/http/page-gate.ts).
export const dynamic = 'force-dynamic';

export default function HostsPage() {
  return (
    <>
      <TopBar />
      <HostsView />
    </>
  );
}
