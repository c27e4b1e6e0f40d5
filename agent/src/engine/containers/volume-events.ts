import type { EventBus } from '../events/event-bus.ts';
import type { ContainerRecord } from './record.ts';

/**
 * Docker's volume mount/unmount events: one per volume a container mounts, `mount` just before
 * its start event and `unmount` after its die event, named by the volume.
 */
export function publishVolumeMounts(
  events: EventBus,
  record: ContainerRecord,
  action: 'mount' | 'unmount',
): void {
  for (const v of record.volumes) {
    const attributes: Record<string, string> = { container: record.id, driver: 'local' };
    if (action === 'mount') {
      const readOnly = record.spec.host.mounts.some((m) => m.target === v.target && m.readOnly);
      Object.assign(attributes, { destination: v.target, propagation: '', 'read/write': String(!readOnly) });
    }
    events.publish('volume', action, v.name, attributes);
  }
}
