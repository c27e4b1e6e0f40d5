/**
 * The recent output of a terminal, at most `capacity` bytes, addressed by absolute byte offsets
 * since the session began, so each viewer reads on from where it was and a reattaching one
 * replays what is still kept.
 */
export class OutputRing {
  private chunks: Buffer[] = [];
  private size = 0;
  /** offset of the first byte still kept */
  start = 0;

  constructor(private readonly capacity: number) {}

  get end(): number {
    return this.start + this.size;
  }

  push(data: Buffer): void {
    this.chunks.push(data);
    this.size += data.length;
    while (this.size > this.capacity && this.chunks.length > 0) {
      const first = this.chunks[0]!;
      const excess = this.size - this.capacity;
      if (first.length <= excess) {
        this.chunks.shift();
        this.size -= first.length;
        this.start += first.length;
      } else {
        this.chunks[0] = first.subarray(excess);
        this.size -= excess;
        this.start += excess;
      }
    }
  }

  /** Bytes from `offset` (clamped to what is kept) to the end. */
  readFrom(offset: number): { offset: number; data: Buffer } {
    const from = Math.max(offset, this.start);
    return { offset: from, data: Buffer.concat(this.chunks).subarray(from - this.start) };
  }
}
