/** `berth engine images|load|import|tag|rmi|image prune`. */
import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { need, parse } from '../args.ts';
import { CliError } from '../cli-error.ts';
import { formatTable } from '../table.ts';
import { ago, humanSize, shortId } from './format.ts';
import { DeleteItems, ImageSummary, ProgressLine, PruneReport } from './schemas.ts';
import { type EngineClient, jsonLines } from './socket-client.ts';

/** `repo[:tag]` split at the last colon after the last slash (a registry port is not a tag). */
export function splitRef(ref: string): { repo: string; tag: string | undefined } {
  const m = /^(.*?)(?::([^:/]+))?$/.exec(ref)!;
  return { repo: m[1]!, tag: m[2] };
}

const archive = (file: string | undefined): Readable =>
  !file || file === '-' ? process.stdin : createReadStream(file);

/** Prints the JSON-lines progress of load/import/pull; an `error` line fails the command. */
async function printProgress(res: Readable, out: NodeJS.WritableStream = process.stdout): Promise<void> {
  for await (const p of jsonLines(res, ProgressLine, 'progress')) {
    if (p.error) throw new CliError(`Error response from agent: ${p.errorDetail?.message ?? p.error}`);
    if (p.stream) out.write(p.stream);
    else if (p.status)
      out.write(`${p.id ? `${p.id}: ` : ''}${p.status}${p.progress ? ` ${p.progress}` : ''}\n`);
  }
}

/** As `docker run` does for an image that is not here: pulled first, its progress on stderr. */
export async function pullForRun(engine: EngineClient, image: string): Promise<void> {
  process.stderr.write(`Unable to find image '${image}' locally\n`);
  const { repo, tag } = splitRef(image);
  const res = await engine.stream('POST', '/images/create', {
    query: { fromImage: repo, tag: image.includes('@') ? undefined : (tag ?? 'latest') },
  });
  await printProgress(res, process.stderr);
}

export async function images(engine: EngineClient, args: string[]): Promise<void> {
  const { values } = parse(args, {
    all: { type: 'boolean', short: 'a' },
    quiet: { type: 'boolean', short: 'q' },
  });
  const list = await engine.call('GET', '/images/json', { schema: ImageSummary.array() });
  if (values.quiet) {
    for (const i of list) console.log(shortId(i.Id));
    return;
  }
  const rows = list.flatMap((i) =>
    (i.RepoTags && i.RepoTags.length > 0 ? i.RepoTags : ['<none>:<none>']).map((ref) => {
      const { repo, tag } = splitRef(ref);
      return [repo, tag ?? '<none>', shortId(i.Id), ago(i.Created), humanSize(i.Size)];
    }),
  );
  console.log(formatTable(['REPOSITORY', 'TAG', 'IMAGE ID', 'CREATED', 'SIZE'], rows));
}

export async function load(engine: EngineClient, args: string[]): Promise<void> {
  const { values } = parse(args, {
    input: { type: 'string', short: 'i' },
    quiet: { type: 'boolean', short: 'q' },
  });
  if (!values.input && process.stdin.isTTY)
    throw new CliError('requested load from stdin, but stdin is a terminal: use -i FILE');
  const res = await engine.stream('POST', '/images/load', {
    query: { quiet: values.quiet ? 1 : 0 },
    upload: archive(values.input),
    headers: { 'content-type': 'application/x-tar' },
  });
  await printProgress(res);
}

export async function importImage(engine: EngineClient, args: string[]): Promise<void> {
  const { values, positionals } = parse(args, { message: { type: 'string', short: 'm' } });
  const file = need(positionals[0], 'file (a rootfs tarball, or - for stdin)');
  const ref = positionals[1] ? splitRef(positionals[1]) : undefined;
  const res = await engine.stream('POST', '/images/create', {
    query: { fromSrc: '-', repo: ref?.repo, tag: ref?.tag, message: values.message },
    upload: archive(file),
    headers: { 'content-type': 'application/x-tar' },
  });
  await printProgress(res);
}

export async function tag(engine: EngineClient, args: string[]): Promise<void> {
  const { positionals } = parse(args, {});
  const source = need(positionals[0], 'source image');
  const target = splitRef(need(positionals[1], 'target image'));
  await engine.call('POST', `/images/${encodeURIComponent(source)}/tag`, {
    query: { repo: target.repo, tag: target.tag ?? 'latest' },
  });
}

function printDeleted(items: ReturnType<typeof DeleteItems.parse>): void {
  for (const item of items) {
    if (item.Untagged) console.log(`Untagged: ${item.Untagged}`);
    if (item.Deleted) console.log(`Deleted: ${item.Deleted}`);
  }
}

export async function rmi(engine: EngineClient, args: string[]): Promise<void> {
  const { values, positionals } = parse(args, { force: { type: 'boolean', short: 'f' } });
  for (const which of [need(positionals[0], 'image'), ...positionals.slice(1)]) {
    const items = await engine.call('DELETE', `/images/${encodeURIComponent(which)}`, {
      query: { force: values.force ? 1 : undefined },
      schema: DeleteItems,
    });
    printDeleted(items);
  }
}

/** `image prune [-a]`: dangling images, or every image no container uses. */
export async function imagePrune(engine: EngineClient, args: string[]): Promise<void> {
  const { values } = parse(args, {
    all: { type: 'boolean', short: 'a' },
    force: { type: 'boolean', short: 'f' },
  });
  const report = await engine.call('POST', '/images/prune', {
    query: { filters: JSON.stringify({ dangling: [values.all ? 'false' : 'true'] }) },
    schema: PruneReport,
  });
  if ((report.ImagesDeleted ?? []).length > 0) {
    console.log('Deleted Images:');
    printDeleted(report.ImagesDeleted ?? []);
    console.log('');
  }
  console.log(`Total reclaimed space: ${humanSize(report.SpaceReclaimed ?? 0)}`);
}
