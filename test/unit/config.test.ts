import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../lib/config';

const admin = { VIGIL_ADMIN_TOKENS: 'root:0123456789abcdef0123' };

function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
}

describe('loadConfig', () => {
  it('applies defaults for everything but the admin token', () => {
    const c = loadConfig(admin);
    expect(c.TEMPORAL_ADDRESS).toBe('localhost:7233');
    expect(c.TEMPORAL_NAMESPACE).toBe('default');
    expect(c.TEMPORAL_TASK_QUEUE).toBe('vigil-incidents');
    expect(c.MONGODB_URI).toBe('mongodb://127.0.0.1:27017/vigil');
    expect(c.VIGIL_API_PORT).toBe(8080);
    expect(c.VIGIL_ADMIN_TOKENS).toEqual([{ name: 'root', secret: '0123456789abcdef0123' }]);
    expect(c.VIGIL_INGEST_KEYS).toEqual([]);
  });

  it('parses token lists with and without names', () => {
    const c = loadConfig({ ...admin, VIGIL_INGEST_KEYS: 'am:aaaaaaaaaaaaaaaa, bbbbbbbbbbbbbbbb ,' });
    expect(c.VIGIL_INGEST_KEYS).toEqual([
      { name: 'am', secret: 'aaaaaaaaaaaaaaaa' },
      { name: 'token-2', secret: 'bbbbbbbbbbbbbbbb' },
    ]);
  });

  it('treats empty variables as unset', () => {
    expect(loadConfig({ ...admin, VIGIL_API_PORT: '' }).VIGIL_API_PORT).toBe(8080);
  });

  it.each([
    [{ VIGIL_API_PORT: 'eighty' }, 'VIGIL_API_PORT'],
    [{ VIGIL_API_PORT: '70000' }, 'VIGIL_API_PORT'],
    [{ TEMPORAL_ADDRESS: 'localhost' }, 'TEMPORAL_ADDRESS: must be host:port'],
    [{ MONGODB_URI: 'postgres://x' }, 'MONGODB_URI: must be a mongodb://'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
    [{ VIGIL_INGEST_KEYS: 'am:short' }, 'VIGIL_INGEST_KEYS: entry 1 ("am") has a secret shorter than 16'],
    [{ VIGIL_WEBHOOK_SIGNING_SECRET: 'tiny' }, 'VIGIL_WEBHOOK_SIGNING_SECRET: must be at least 16'],
    [{ VIGIL_LINK_SIGNING_SECRET: 'sixteen-chars-ok' }, 'VIGIL_LINK_SIGNING_SECRET: must be at least 32 characters'],
    [{ VIGIL_PUBLIC_URL: 'vigil.example.com' }, 'VIGIL_PUBLIC_URL: must be an http(s) URL without query or fragment'],
    [
      { VIGIL_PUBLIC_URL: 'https://vigil.example.com/?x=1' },
      'VIGIL_PUBLIC_URL: must be an http(s) URL without query or fragment',
    ],
  ])('names the variable and the rule for %o', (bad, expected) => {
    const found = problems({ ...admin, ...bad });
    expect(found.join('\n')).toContain(expected);
  });

  it('takes a public URL (with a path prefix) and a 32-character link secret', () => {
    const c = loadConfig({
      ...admin,
      VIGIL_PUBLIC_URL: 'https://ops.example.com/vigil/',
      VIGIL_LINK_SIGNING_SECRET: 'x'.repeat(32),
    });
    expect(c.VIGIL_PUBLIC_URL).toBe('https://ops.example.com/vigil/');
    expect(c.VIGIL_LINK_SIGNING_SECRET).toHaveLength(32);
  });

  it('reports every bad variable at once', () => {
    expect(problems({ ...admin, VIGIL_API_PORT: 'x', LOG_LEVEL: 'y' })).toHaveLength(2);
  });

  it('refuses to start without an admin token', () => {
    expect(problems({})).toEqual([expect.stringContaining('VIGIL_ADMIN_TOKENS: at least one admin token')]);
  });
});
