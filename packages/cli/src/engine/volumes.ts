/** `berth engine volume ls|create|rm|inspect|prune`. */
import { need, parse } from '../args.ts';
import { CliError } from '../cli-error.ts';
import { formatTable } from '../table.ts';
import { humanSize } from './format.ts';
import { PruneReport, VolumeList, VolumeSummary } from './schemas.ts';
import type { EngineClient } from './socket-client.ts';

export async function volume(engine: EngineClient, args: string[]): Promise<void> {
  const [sub, ...rest] = args;
  const { values, positionals } = parse(rest, {
    quiet: { type: 'boolean', short: 'q' },
    force: { type: 'boolean', short: 'f' },
    all: { type: 'boolean', short: 'a' },
    label: { type: 'string', multiple: true },
  });
  switch (sub) {
    case 'ls':
    case 'list': {
      const list = (await engine.call('GET', '/volumes', { schema: VolumeList })).Volumes ?? [];
      if (values.quiet) for (const v of list) console.log(v.Name);
      else
        console.log(
          formatTable(
            ['DRIVER', 'VOLUME NAME'],
            list.map((v) => [v.Driver, v.Name]),
          ),
        );
      return;
    }
    case 'create': {
      const labels = Object.fromEntries(
        (values.label ?? []).map((l) => [l.split('=')[0], l.split('=').slice(1).join('=')]),
      );
      const created = await engine.call('POST', '/volumes/create', {
        body: { ...(positionals[0] ? { Name: positionals[0] } : {}), Labels: labels },
        schema: VolumeSummary,
      });
      console.log(created.Name);
      return;
    }
    case 'rm':
    case 'remove':
      for (const name of [need(positionals[0], 'volume'), ...positionals.slice(1)]) {
        await engine.call('DELETE', `/volumes/${encodeURIComponent(name)}`, {
          query: { force: values.force ? 1 : undefined },
        });
        console.log(name);
      }
      return;
    case 'inspect': {
      const found: unknown[] = [];
      for (const name of [need(positionals[0], 'volume'), ...positionals.slice(1)]) {
        found.push(JSON.parse(await engine.call('GET', `/volumes/${encodeURIComponent(name)}`)));
      }
      console.log(JSON.stringify(found, null, 4));
      return;
    }
    case 'prune': {
      const report = await engine.call('POST', '/volumes/prune', {
        query: values.all ? { filters: JSON.stringify({ all: ['true'] }) } : {},
        schema: PruneReport,
      });
      if ((report.VolumesDeleted ?? []).length > 0)
        console.log(`Deleted Volumes:\n${report.VolumesDeleted?.join('\n')}\n`);
      console.log(`Total reclaimed space: ${humanSize(report.SpaceReclaimed ?? 0)}`);
      return;
    }
    default:
      throw new CliError('usage: berth engine volume ls|create [NAME]|rm NAME…|inspect NAME…|prune [-a]', 2);
  }
}
