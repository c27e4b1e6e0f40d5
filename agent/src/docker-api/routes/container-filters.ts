import type { ContainerRecord } from '../../engine/containers/record.ts';

/** `docker ps --filter`: each key must match one of its values; keys combine with AND. */
export function matchesContainerFilters(
  c: ContainerRecord,
  filters: Map<string, string[]>,
  all: ContainerRecord[],
): boolean {
  for (const [key, values] of filters) {
    const any = (test: (v: string) => boolean) => values.some(test);
    switch (key) {
      case 'id':
        if (!any((v) => c.id.startsWith(v))) return false;
        break;
      case 'name':
        if (!any((v) => new RegExp(v.replace(/^\//, '')).test(c.name))) return false;
        break;
      case 'label':
        if (
          !values.every((v) => {
            const [k, val] = v.split('=', 2) as [string, string | undefined];
            return k in c.spec.labels && (val === undefined || c.spec.labels[k] === val);
          })
        )
          return false;
        break;
      case 'status':
        if (!any((v) => v === c.state.status)) return false;
        break;
      case 'exited':
        if (c.state.status !== 'exited' || !any((v) => Number(v) === c.state.exitCode)) return false;
        break;
      case 'ancestor':
        if (!any((v) => v === c.imageRef || c.imageId.startsWith(v) || c.imageId === `sha256:${v}`))
          return false;
        break;
      case 'before':
      case 'since': {
        const pivot = all.find((o) => o.id.startsWith(values[0] ?? '') || o.name === values[0]);
        if (!pivot) return false;
        const cmp = Date.parse(c.created) - Date.parse(pivot.created);
        if (key === 'before' ? cmp >= 0 : cmp <= 0) return false;
        break;
      }
      default:
        break;
    }
  }
  return true;
}
