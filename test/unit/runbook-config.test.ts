import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../lib/config';

const base = { VIGIL_ADMIN_TOKENS: 'admin:0123456789abcdef0123' };

describe('runbook configuration', () => {
  it('maps allowlist names to executables, bare names to themselves', () => {
    const c = loadConfig({ ...base, VIGIL_RUNBOOK_COMMAND_ALLOWLIST: 'kubectl=/usr/local/bin/kubectl, redis-cli' });
    expect(c.VIGIL_RUNBOOK_COMMAND_ALLOWLIST).toEqual({ kubectl: '/usr/local/bin/kubectl', 'redis-cli': 'redis-cli' });
    expect(loadConfig(base)).toMatchObject({
      VIGIL_RUNBOOK_COMMAND_ALLOWLIST: {},
      VIGIL_RUNBOOK_DIR: 'runbooks',
      VIGIL_RUNBOOK_OUTPUT_LIMIT: 16384,
    });
  });
  it('refuses a relative path or a name with a slash, naming the variable', () => {
    for (const bad of ['sh=bin/sh', '../x', 'a b=/bin/true']) {
      expect(() => loadConfig({ ...base, VIGIL_RUNBOOK_COMMAND_ALLOWLIST: bad })).toThrow(ConfigError);
      expect(() => loadConfig({ ...base, VIGIL_RUNBOOK_COMMAND_ALLOWLIST: bad })).toThrow(
        /VIGIL_RUNBOOK_COMMAND_ALLOWLIST: entry/,
      );
    }
  });
});
