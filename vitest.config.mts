/**
 * One `npm test` runs every suite as a vitest project:
 * - unit: pure code in Node (model, policies, parsers);
 * - worker: the broker inside workerd (Cloudflare's vitest pool), D1 migrations applied;
 * - contract: the official vendor clients against the sandbox emulators over HTTP;
 * - e2e: the whole estate (sandbox + `wrangler dev`) as a user runs it, browser included;
 * - browser: the Preact widgets in real Chromium (playwright-core + Debian chromium);
 * - cards: the HubSpot app card with @hubspot/ui-extensions/testing.
 */
import { builtinModules } from 'node:module';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { cloudflareTest, readD1Migrations } from '@cloudflare/vitest-pool-workers';

const migrations = await readD1Migrations('worker/storage/migrations');

export default defineConfig({
  test: {
    projects: [
      {
        test: { name: 'unit', include: ['test/unit/**/*.test.ts'], environment: 'node' },
      },
      {
        plugins: [
          cloudflareTest(({ inject }) => ({
            wrangler: { configPath: './wrangler.toml' },
            miniflare: {
              bindings: {
                TEST_MIGRATIONS: migrations,
                // The worker tests talk to a real sandbox estate started by their global setup.
                SANDBOX_URL: inject<string>('workerSandboxUrl'),
                CONCORD_OPERATOR_KEY: 'test-operator-key-0123456789',
                CONCORD_VAULT_KEYS: 'k1:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8',
                CONCORD_LOG_LEVEL: 'error',
                // Card and embed APIs (docs/cards-api.md): test-only secrets.
                HUBSPOT_CLIENT_SECRET: 'test-hubspot-client-secret-0123456789',
                CONCORD_EMBED_SECRET: 'test-embed-secret-0123456789abcdef0123456789',
                // The tests connect the sandbox on 127.0.0.1 with static sandbox tokens: the explicit
                // development mode (docs/decisions.md). Tests of production behaviour unset it per call.
                CONCORD_DEV_MODE: '1',
                // The HubSpot app's id, as hubspot.fetch appends it (appId) to signed card requests.
                HUBSPOT_APP_ID: '42',
              },
            },
          })),
        ],
        // Same module alias as wrangler.toml: the vendor SDKs' node-fetch is the platform fetch.
        resolve: { alias: { 'node-fetch': fileURLToPath(new URL('./worker/shims/node-fetch.ts', import.meta.url)) } },
        test: {
          name: 'worker',
          include: ['test/worker/**/*.test.ts'],
          // Pre-bundle the CommonJS vendor clients so the node-fetch alias above reaches their requires.
          deps: {
            optimizer: {
              ssr: {
                enabled: true,
                include: ['@hubspot/api-client', 'jsforce/lib/connection'],
                rolldownOptions: { platform: 'node', external: [...builtinModules, /^node:/] },
              },
            },
          },
          setupFiles: ['test/worker/apply-migrations.ts'],
          globalSetup: ['test/support/worker-sandbox.ts'],
          testTimeout: 30_000,
          // Set-up hooks connect a tenant and run identity sync against a real sandbox: on a
          // busy machine that takes longer than vitest's 10 s default.
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          name: 'contract',
          include: ['test/contract/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['test/contract/global-setup.ts'],
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['test/e2e/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'browser',
          include: ['test/browser/**/*.test.ts'],
          environment: 'node',
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'cards',
          include: ['extensions/hubspot/**/*.test.{ts,tsx}'],
          environment: 'node',
        },
      },
    ],
  },
});
