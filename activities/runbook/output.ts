/**
 * A bounded output buffer for step activities: keeps the first `limit` bytes of what a
 * command or HTTP response produces and counts the rest, so a chatty `kubectl logs` can
 * never blow up the workflow history. The cut is marked in the text.
 */
export class BoundedOutput {
  private chunks: Buffer[] = [];
  private kept = 0;
  private dropped = 0;

  constructor(private readonly limit: number) {}

  push(chunk: Buffer): void {
    const room = this.limit - this.kept;
    if (room > 0) {
      const part = chunk.length > room ? chunk.subarray(0, room) : chunk;
      this.chunks.push(part);
      this.kept += part.length;
    }
    this.dropped += Math.max(0, chunk.length - Math.max(0, room));
  }

  get bytes(): number {
    return this.kept + this.dropped;
  }

  text(): string {
    const body = Buffer.concat(this.chunks).toString('utf8');
    return this.dropped > 0 ? `${body}\n…[output truncated: ${this.dropped} more bytes]` : body;
  }
}
