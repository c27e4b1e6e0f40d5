/**
 * Bearer tokens keyed by realm, service, scope and user, kept until shortly
 * before they expire (the spec's default lifetime is 60 s).
 */
export class TokenCache {
  private readonly tokens = new Map<string, { token: string; expiresAt: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  get(key: string): string | undefined {
    const t = this.tokens.get(key);
    if (!t) return undefined;
    if (t.expiresAt <= this.now()) {
      this.tokens.delete(key);
      return undefined;
    }
    return t.token;
  }

  set(key: string, token: string, expiresInSeconds: number): void {
    // a token about to lapse would fail mid-download: drop it a little early
    const margin = Math.min(10, expiresInSeconds / 4);
    this.tokens.set(key, { token, expiresAt: this.now() + (expiresInSeconds - margin) * 1000 });
  }

  delete(key: string): void {
    this.tokens.delete(key);
  }
}
