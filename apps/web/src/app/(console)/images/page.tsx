import type { Metadata } from 'next';
import { ImagesView } from './images-view.tsx';

export const metadata: Metadata = { title: 'Images · Berth' };

export default function ImagesPage() {
  return <ImagesView />;
}
