import type { Metadata } from 'next';
import { NetworksView } from './networks-view.tsx';

export const metadata: Metadata = { title: 'Networks · Berth' };

export default function NetworksPage() {
  return <NetworksView />;
}
