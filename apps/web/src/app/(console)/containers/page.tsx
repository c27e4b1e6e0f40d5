import type { Metadata } from 'next';
import { ContainersView } from './containers-view.tsx';

export const metadata: Metadata = { title: 'Containers · Berth' };

export default function ContainersPage() {
  return <ContainersView />;
}
