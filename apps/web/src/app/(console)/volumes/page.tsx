import type { Metadata } from 'next';
import { VolumesView } from './volumes-view.tsx';

export const metadata: Metadata = { title: 'Volumes · Berth' };

export default function VolumesPage() {
  return <VolumesView />;
}
