import type { Metadata } from 'next';
import { DashboardView } from './dashboard/dashboard-view.tsx';

export const metadata: Metadata = { title: 'Dashboard · Berth' };

export default function DashboardPage() {
  return <DashboardView />;
}
