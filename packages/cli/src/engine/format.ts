/** Docker's human columns: "5 minutes ago", "4.26MB", "0.0.0.0:8080->80/tcp". */
import type { z } from 'zod';
import type { ContainerSummary } from './schemas.ts';

export function ago(unixSeconds: number, nowMs = Date.now()): string {
  const s = Math.max(0, Math.round(nowMs / 1000 - unixSeconds));
  const [n, unit] =
    s < 60
      ? [s, 'second']
      : s < 3600
        ? [Math.floor(s / 60), 'minute']
        : s < 86400
          ? [Math.floor(s / 3600), 'hour']
          : [Math.floor(s / 86400), 'day'];
  if (unit === 'second' && n < 1) return 'Less than a second ago';
  return `${n} ${unit}${n === 1 ? '' : 's'} ago`;
}

/** Decimal units, as the docker CLI prints image sizes. */
export function humanSize(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let i = 0;
  while (value >= 1000 && i < units.length - 1) {
    value /= 1000;
    i++;
  }
  return `${i === 0 ? value : value.toFixed(3).replace(/\.?0+$/, '')}${units[i]}`;
}

export function ports(list: z.infer<typeof ContainerSummary>['Ports']): string {
  return (list ?? [])
    .map((p) =>
      p.PublicPort
        ? `${p.IP || '0.0.0.0'}:${p.PublicPort}->${p.PrivatePort}/${p.Type}`
        : `${p.PrivatePort}/${p.Type}`,
    )
    .join(', ');
}

export const shortId = (id: string) => id.replace(/^sha256:/, '').slice(0, 12);
