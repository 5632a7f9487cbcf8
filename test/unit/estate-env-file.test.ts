/**
 * Issue 8, item 8: the estate hands the broker its local client secrets through an env file
 * (mode 0600), never as `wrangler dev --var NAME:value` arguments that any local user can read in
 * the process list.
 */
import { readFileSync, rmSync, statSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { inspectorProxyOff, wranglerDevLaunch } from '../../scripts/estate.js';

describe('wrangler dev launch', () => {
  it('passes secrets in a private env file, not on the command line', () => {
    const secrets = { HUBSPOT_CLIENT_SECRET: 'hs-secret-0123456789', SALESFORCE_CLIENT_SECRET: 'sf-secret-0123456789', CONCORD_OPERATOR_KEY: 'cnd_op_0123456789abcdef' };
    const launch = wranglerDevLaunch({ brokerPort: 9999, persistDir: '/tmp/x', vars: { ...secrets, HUBSPOT_API_URL: 'http://127.0.0.1:1/hubspot' } });
    try {
      const argv = launch.args.join(' ');
      for (const value of Object.values(secrets)) expect(argv).not.toContain(value);
      expect(launch.args).not.toContain('--var');
      const at = launch.args.indexOf('--env-file');
      expect(at).toBeGreaterThan(-1);
      const file = launch.args[at + 1]!;
      expect(statSync(file).mode & 0o077).toBe(0);
      const text = readFileSync(file, 'utf8');
      for (const [k, v] of Object.entries(secrets)) expect(text).toContain(`${k}='${v}'`);
      expect(text).toContain("HUBSPOT_API_URL='http://127.0.0.1:1/hubspot'");
    } finally {
      launch.cleanup();
    }
    expect(() => statSync(launch.args[launch.args.indexOf('--env-file') + 1]!)).toThrow();
    rmSync('/tmp/x', { recursive: true, force: true });
  });

  // Issue 10: wrangler dev's inspector proxy posted one request to wrangler's Node process per
  // message of the broker's V8 inspector (every console line, every subrequest); under a burst its
  // workerd process ran out of descriptors and the broker stopped answering (docs/performance.md).
  it('starts wrangler dev without its DevTools inspector proxy unless CONCORD_DEVTOOLS=1', () => {
    const launch = wranglerDevLaunch({ brokerPort: 9999, persistDir: '/tmp/x', vars: {} });
    try {
      expect(launch.env).toEqual({ VSCODE_INSPECTOR_OPTIONS: '{}' });
    } finally {
      launch.cleanup();
    }
    expect(inspectorProxyOff('1')).toEqual({});
    expect(inspectorProxyOff(undefined)).toEqual({ VSCODE_INSPECTOR_OPTIONS: '{}' });
    rmSync('/tmp/x', { recursive: true, force: true });
  });
});
