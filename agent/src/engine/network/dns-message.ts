/**
 * The little of the DNS wire format (RFC 1035) the agent's resolver needs:
 * the question of a query, and an answer with A records for it.
 */

export interface DnsQuestion {
  id: number;
  /** lower case, no trailing dot */
  name: string;
  type: number;
  /** offset just past the question: the answer repeats the query up to here */
  end: number;
}

export const TYPE_A = 1;

export function parseQuestion(msg: Buffer): DnsQuestion | undefined {
  if (msg.length < 12) return undefined;
  const flags = msg.readUInt16BE(2);
  if (flags & 0x8000 || msg.readUInt16BE(4) !== 1) return undefined; // a response, or not one question
  const labels: string[] = [];
  let at = 12;
  for (;;) {
    const len = msg[at];
    if (len === undefined || len > 63) return undefined; // compression has no place in a question
    at++;
    if (len === 0) break;
    if (at + len > msg.length) return undefined;
    labels.push(msg.toString('latin1', at, at + len));
    at += len;
  }
  if (at + 4 > msg.length) return undefined;
  return {
    id: msg.readUInt16BE(0),
    name: labels.join('.').toLowerCase(),
    type: msg.readUInt16BE(at),
    end: at + 4,
  };
}

/** An authoritative answer: A records for an A question, none (but no error) for other types of a known name. */
export function answer(query: Buffer, q: DnsQuestion, addresses: string[]): Buffer {
  const records = q.type === TYPE_A ? addresses : [];
  const header = Buffer.alloc(12);
  header.writeUInt16BE(q.id, 0);
  const rd = query.readUInt16BE(2) & 0x0100;
  header.writeUInt16BE(0x8000 | 0x0400 | rd | 0x0080, 2); // QR, AA, RD as asked, RA
  header.writeUInt16BE(1, 4);
  header.writeUInt16BE(records.length, 6);
  const rrs = records.map((ip) => {
    const rr = Buffer.alloc(16);
    rr.writeUInt16BE(0xc00c, 0); // the name: a pointer to the question's
    rr.writeUInt16BE(TYPE_A, 2);
    rr.writeUInt16BE(1, 4); // IN
    rr.writeUInt32BE(600, 6);
    rr.writeUInt16BE(4, 10);
    ip.split('.').forEach((b, i) => {
      rr[12 + i] = Number(b);
    });
    return rr;
  });
  return Buffer.concat([header, query.subarray(12, q.end), ...rrs]);
}

/** NXDOMAIN-free failure for a question nobody could answer (upstream silent): SERVFAIL. */
export function serverFailure(query: Buffer, q: DnsQuestion): Buffer {
  const out = Buffer.from(answer(query, { ...q, type: 0 }, []));
  out.writeUInt16BE((out.readUInt16BE(2) & ~0x0400) | 2, 2);
  return out;
}
