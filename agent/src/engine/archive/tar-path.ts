import { EngineError } from '../errors.ts';

/**
 * Normalises a tar entry name to a relative path with no `.`/`..` parts:
 * '' is the layer root. Absolute names and `..` anywhere are refused rather
 * than rewritten: a layer that contains them was not made by a sane builder.
 */
export function cleanEntryPath(name: string, what = 'entry'): string {
  if (name.includes('\0')) throw new EngineError('forbidden', `${what} ${JSON.stringify(name)}: NUL in name`);
  if (name.startsWith('/'))
    throw new EngineError('forbidden', `${what} ${JSON.stringify(name)}: absolute path`);
  const parts: string[] = [];
  for (const part of name.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..')
      throw new EngineError('forbidden', `${what} ${JSON.stringify(name)}: escapes the layer (..)`);
    parts.push(part);
  }
  return parts.join('/');
}

export function parentOf(rel: string): string {
  const i = rel.lastIndexOf('/');
  return i < 0 ? '' : rel.slice(0, i);
}

export function baseOf(rel: string): string {
  return rel.slice(rel.lastIndexOf('/') + 1);
}

export function depthOf(rel: string): number {
  let n = 0;
  for (let i = 0; i < rel.length; i++) if (rel.charCodeAt(i) === 47) n++;
  return n;
}
