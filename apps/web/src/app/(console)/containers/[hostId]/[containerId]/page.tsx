import type { Metadata } from 'next';
import { ContainerDetail } from './container-detail.tsx';

export const metadata: Metadata = { title: 'Container · Berth' };

export default async function ContainerPage({
  params,
}: {
  params: Promise<{ hostId: string; containerId: string }>;
}) {
  const { hostId, containerId } = await params;
  return <ContainerDetail hostId={hostId} containerId={containerId} />;
}
