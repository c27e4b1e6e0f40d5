import assert from 'node:assert/strict';
import { test } from 'node:test';
import { answer, parseQuestion, serverFailure, TYPE_A } from './dns-message.ts';

function query(name: string, type: number): Buffer {
  const labels = name.split('.').map((l) => Buffer.concat([Buffer.from([l.length]), Buffer.from(l)]));
  const header = Buffer.from([0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0]);
  return Buffer.concat([header, ...labels, Buffer.from([0, 0, type, 0, 1])]);
}

test('a question is read; an answer carries A records pointing back at it', () => {
  const q = parseQuestion(query('Web.Berth', TYPE_A));
  assert.deepEqual(q && { id: q.id, name: q.name, type: q.type }, {
    id: 0x1234,
    name: 'web.berth',
    type: TYPE_A,
  });
  const msg = query('web', TYPE_A);
  const reply = answer(msg, parseQuestion(msg)!, ['10.1.2.3', '10.1.2.4']);
  assert.equal(reply.readUInt16BE(0), 0x1234);
  assert.equal(reply.readUInt16BE(2) & 0x8000, 0x8000, 'a response');
  assert.equal(reply.readUInt16BE(6), 2, 'two answers');
  assert.deepEqual([...reply.subarray(reply.length - 4)], [10, 1, 2, 4]);
});

test('AAAA for a known name: no records, no error; garbage and responses are ignored', () => {
  const msg = query('web', 28);
  const reply = answer(msg, parseQuestion(msg)!, ['10.1.2.3']);
  assert.equal(reply.readUInt16BE(6), 0);
  assert.equal(reply.readUInt16BE(2) & 0xf, 0);
  assert.equal(serverFailure(msg, parseQuestion(msg)!).readUInt16BE(2) & 0xf, 2);
  assert.equal(parseQuestion(Buffer.from([1, 2, 3])), undefined);
  const response = query('web', TYPE_A);
  response[2] = 0x81;
  assert.equal(parseQuestion(response), undefined);
});
