/**
 * A small LRU of response bodies by ETag, bounded by total characters: bundle envelopes are
 * immutable per ETag, and a fleet updating at once downloads the same one many times.
 *
 * @example
 * const cache = new BodyCache(64 << 20);
 * const body = await cache.get(etag, () => buildEnvelope());
 */
export class BodyCache {
  private readonly entries = new Map<string, string>();
  private size = 0;

  constructor(private readonly maxChars: number) {}

  async get(key: string, build: () => Promise<string>): Promise<string> {
    const hit = this.entries.get(key);
    if (hit !== undefined) {
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit;
    }
    const body = await build();
    if (body.length <= this.maxChars) {
      this.entries.set(key, body);
      this.size += body.length;
      for (const [k, v] of this.entries) {
        if (this.size <= this.maxChars) break;
        this.entries.delete(k);
        this.size -= v.length;
      }
    }
    return body;
  }
}
