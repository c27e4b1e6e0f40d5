/**
 * Docker's multiplexed stream framing, used for attach, exec and logs when the
 * container has no TTY: an 8-byte header (stream id, three zero bytes, a
 * big-endian uint32 length) before each chunk. With a TTY the bytes go raw.
 */
export enum StreamId {
  stdin = 0,
  stdout = 1,
  stderr = 2,
  /** the "systemerr" stream Docker uses for errors inside a stream */
  system = 3,
}

export function frame(stream: StreamId, payload: Buffer): Buffer {
  const header = Buffer.alloc(8);
  header[0] = stream;
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
}

/** Splits framed bytes back into chunks; `rest` holds an incomplete trailing frame. */
export function unframe(data: Buffer): { frames: { stream: StreamId; payload: Buffer }[]; rest: Buffer } {
  const frames: { stream: StreamId; payload: Buffer }[] = [];
  let offset = 0;
  while (data.length - offset >= 8) {
    const length = data.readUInt32BE(offset + 4);
    if (data.length - offset - 8 < length) break;
    frames.push({
      stream: data[offset] as StreamId,
      payload: data.subarray(offset + 8, offset + 8 + length),
    });
    offset += 8 + length;
  }
  return { frames, rest: data.subarray(offset) };
}
