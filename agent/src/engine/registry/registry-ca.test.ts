import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, it } from 'node:test';
import { isEngineError } from '../errors.ts';
import { readCaFiles } from './registry-ca.ts';
import { RegistryConfig } from './registry-config.ts';

const dir = mkdtempSync(join(tmpdir(), 'berthtest-certs-'));
after(() => rmSync(dir, { recursive: true, force: true }));

it('trusts certs.d/<host:port>/*.crt for that host only, beside a configured CA file', () => {
  const certsDir = join(dir, 'certs.d');
  mkdirSync(join(certsDir, 'reg.lan:5000'), { recursive: true });
  writeFileSync(join(certsDir, 'reg.lan:5000', 'ca.crt'), 'CA ONE');
  writeFileSync(join(certsDir, 'reg.lan:5000', 'b.crt'), 'CA TWO');
  writeFileSync(join(certsDir, 'reg.lan:5000', 'client.key'), 'not a CA');
  writeFileSync(join(dir, 'extra.pem'), 'CA FILE');
  const config = RegistryConfig.parse({ certsDir, caFiles: { 'reg.lan:5000': join(dir, 'extra.pem') } });
  assert.deepEqual(readCaFiles(config, 'reg.lan:5000'), ['CA FILE', 'CA TWO', 'CA ONE']);
  assert.deepEqual(readCaFiles(config, 'reg.lan'), [], 'another port is another registry');
  assert.deepEqual(readCaFiles(RegistryConfig.parse({}), 'reg.lan:5000'), []);
});

it('a configured CA file that cannot be read is a clear error', () => {
  const config = RegistryConfig.parse({ caFiles: { 'reg.lan': join(dir, 'missing.pem') } });
  assert.throws(
    () => readCaFiles(config, 'reg.lan'),
    (err) => isEngineError(err, 'invalid') && /CA file for reg\.lan/.test(err.message),
  );
});
