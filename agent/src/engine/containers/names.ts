import { randomBytes } from 'node:crypto';

/**
 * Names for containers created without one: `adjective_surname`, like
 * Docker's, so `docker ps` output looks familiar. The surnames honour people
 * whose work made containers possible.
 */
const adjectives = [
  'agile',
  'bold',
  'brave',
  'bright',
  'calm',
  'clever',
  'cool',
  'crisp',
  'daring',
  'eager',
  'fair',
  'fond',
  'gentle',
  'happy',
  'jolly',
  'keen',
  'kind',
  'lively',
  'lucid',
  'merry',
  'modest',
  'nimble',
  'noble',
  'patient',
  'plucky',
  'proud',
  'quiet',
  'quick',
  'sharp',
  'serene',
  'steady',
  'sunny',
  'swift',
  'tender',
  'tidy',
  'vivid',
  'warm',
  'wise',
  'witty',
  'zesty',
];
const surnames = [
  'allen',
  'babbage',
  'backus',
  'bartik',
  'bell',
  'corbato',
  'dijkstra',
  'engelbart',
  'hamilton',
  'hopper',
  'johnson',
  'kay',
  'kernighan',
  'knuth',
  'lamport',
  'liskov',
  'lovelace',
  'mccarthy',
  'mcilroy',
  'minsky',
  'moore',
  'naur',
  'neumann',
  'pike',
  'ritchie',
  'shannon',
  'sammet',
  'spark',
  'tanenbaum',
  'thompson',
  'torvalds',
  'turing',
  'wirth',
  'wozniak',
];

export function randomName(taken: (name: string) => boolean): string {
  for (let attempt = 0; ; attempt++) {
    const bytes = randomBytes(2);
    const base = `${adjectives[bytes[0]! % adjectives.length]}_${surnames[bytes[1]! % surnames.length]}`;
    const name = attempt < 10 ? base : `${base}${attempt}`;
    if (!taken(name)) return name;
  }
}

/** 64 hex characters, as Docker's ids. */
export const newContainerId = (): string => randomBytes(32).toString('hex');
