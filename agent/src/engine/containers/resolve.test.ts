import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isEngineError } from '../errors.ts';
import { DEFAULT_PATH, resolveCommand } from './resolve-command.ts';
import { resolveUser } from './resolve-user.ts';

const image = {
  Entrypoint: ['/entry.sh'],
  Cmd: ['serve', '--port=80'],
  Env: ['PATH=/bin', 'A=1'],
  WorkingDir: '/app',
};

test('command: cmd replaces Cmd, entrypoint replaces Entrypoint and drops Cmd', () => {
  assert.deepEqual(resolveCommand(image, { env: [] }).args, ['serve', '--port=80']);
  const cmd = resolveCommand(image, { env: [], cmd: ['debug'] });
  assert.equal(cmd.path, '/entry.sh');
  assert.deepEqual(cmd.args, ['debug']);
  const entry = resolveCommand(image, { env: [], entrypoint: ['sh'] });
  assert.equal(entry.path, 'sh');
  assert.deepEqual(entry.args, []);
  assert.equal(entry.workingDir, '/app');
  assert.throws(
    () => resolveCommand({}, { env: [] }),
    (e) => isEngineError(e, 'invalid'),
  );
});

test('env: the caller overrides the image key by key; PATH is defaulted', () => {
  assert.deepEqual(resolveCommand(image, { env: ['A=2', 'B=3'] }).env, ['PATH=/bin', 'A=2', 'B=3']);
  assert.deepEqual(resolveCommand({ Cmd: ['x'] }, { env: [] }).env, [`PATH=${DEFAULT_PATH}`]);
  assert.deepEqual(resolveCommand(image, { env: ['A'] }).env, ['PATH=/bin']);
});

const passwd =
  'root:x:0:0:root:/root:/bin/sh\nwww:x:33:33:www:/var/www:/bin/false\nbob:x:1000:1000::/home/bob:/bin/sh\n';
const group = 'root:x:0:\nwww:x:33:bob\nstaff:x:50:bob,www\nbob:x:1000:\n';

test('user: names, numbers, groups and supplementary groups', () => {
  assert.deepEqual(resolveUser('', passwd, group), { uid: 0, gid: 0, additionalGids: [], home: '/root' });
  assert.deepEqual(resolveUser('bob', passwd, group), {
    uid: 1000,
    gid: 1000,
    additionalGids: [33, 50],
    home: '/home/bob',
  });
  assert.deepEqual(resolveUser('www:staff', passwd, group), {
    uid: 33,
    gid: 50,
    additionalGids: [],
    home: '/var/www',
  });
  assert.deepEqual(resolveUser('4242:4343', passwd, group), {
    uid: 4242,
    gid: 4343,
    additionalGids: [],
    home: '/',
  });
  assert.deepEqual(resolveUser('33', undefined, undefined), {
    uid: 33,
    gid: 0,
    additionalGids: [],
    home: '/',
  });
  assert.throws(() => resolveUser('nobody', passwd, group), /unable to find user nobody/);
  assert.throws(() => resolveUser('bob:wheel', passwd, group), /unable to find group wheel/);
});
