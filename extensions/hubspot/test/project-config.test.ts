/**
 * Checks of the HubSpot project files that `hs project upload` would otherwise only reject
 * online (this machine cannot reach HubSpot): shapes, the card entrypoint, URL rules, and
 * scopes that cover the webhook subscriptions.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { BROKER_URL } from '../src/app/cards/lib/config.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const readJson = (path: string): unknown => JSON.parse(readFileSync(join(root, path), 'utf8'));

const App = z.object({
  uid: z.string().min(1),
  type: z.literal('app'),
  config: z.object({
    name: z.string(),
    distribution: z.literal('marketplace'),
    auth: z.object({
      type: z.literal('oauth'),
      redirectUrls: z.array(z.url()).min(1),
      requiredScopes: z.array(z.string()),
      optionalScopes: z.array(z.string()),
    }),
    permittedUrls: z.object({ fetch: z.array(z.url()) }),
  }),
});
const Card = z.object({
  uid: z.string().min(1),
  type: z.literal('card'),
  config: z.object({
    name: z.string(),
    location: z.literal('crm.record.tab'),
    entrypoint: z.string().startsWith('/app/cards/'),
    objectTypes: z.array(z.enum(['companies', 'deals'])),
  }),
});
const Webhooks = z.object({
  uid: z.string().min(1),
  type: z.literal('webhooks'),
  config: z.object({
    settings: z.object({ targetUrl: z.url(), maxConcurrentRequests: z.number().int().positive() }),
    subscriptions: z.object({
      crmObjects: z.array(
        z.object({
          subscriptionType: z.enum(['object.creation', 'object.propertyChange', 'object.deletion', 'object.merge', 'object.restore']),
          objectType: z.string(),
          propertyName: z.string().optional(),
          active: z.boolean(),
        }),
      ),
    }),
  }),
});

describe('HubSpot project configuration', () => {
  const app = App.parse(readJson('src/app/app-hsmeta.json'));
  const card = Card.parse(readJson('src/app/cards/account-review-hsmeta.json'));
  const webhooks = Webhooks.parse(readJson('src/app/webhooks/webhooks-hsmeta.json'));

  it('is a 2026.03 project whose component configs all end in -hsmeta.json', () => {
    expect(readJson('hsproject.json')).toEqual({ name: 'concord', srcDir: 'src', platformVersion: '2026.03' });
    const jsonFiles = readdirSync(join(root, 'src'), { recursive: true })
      .map(String)
      // package.json is the card bundle's manifest; local.json is the git-ignored dev proxy map.
      .filter((f) => f.endsWith('.json') && !f.endsWith('package.json') && !f.endsWith('local.json'));
    expect(jsonFiles.every((f) => f.endsWith('-hsmeta.json'))).toBe(true);
  });

  it('points the card at an entrypoint that exists', () => {
    expect(existsSync(join(root, 'src', card.config.entrypoint))).toBe(true);
  });

  it('lets hubspot.fetch reach the broker: HTTPS only, no localhost (HubSpot rejects both)', () => {
    const fetchUrls = app.config.permittedUrls.fetch;
    expect(fetchUrls).toContain(BROKER_URL);
    for (const url of fetchUrls) {
      const u = new URL(url);
      expect(u.protocol).toBe('https:');
      expect(['localhost', '127.0.0.1']).not.toContain(u.hostname);
    }
  });

  it('uses HTTPS redirect URLs except plain-http localhost, and never a bare IP (HubSpot OAuth rule)', () => {
    for (const url of app.config.auth.redirectUrls) {
      const u = new URL(url);
      expect(u.pathname).toBe('/v1/oauth/hubspot/callback');
      expect(u.protocol === 'https:' || u.hostname === 'localhost').toBe(true);
      expect(u.hostname).not.toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    }
  });

  it('sends webhooks to the broker and holds a read scope for every subscribed object', () => {
    expect(webhooks.config.settings.targetUrl).toBe(`${BROKER_URL}/v1/webhooks/hubspot`);
    const readScope: Record<string, string> = { company: 'crm.objects.companies.read', deal: 'crm.objects.deals.read', contact: 'crm.objects.contacts.read' };
    for (const sub of webhooks.config.subscriptions.crmObjects) {
      expect(app.config.auth.requiredScopes).toContain(readScope[sub.objectType]);
      if (sub.subscriptionType === 'object.propertyChange') expect(sub.propertyName).toBeTruthy();
    }
    const dealStage = webhooks.config.subscriptions.crmObjects.find((s) => s.objectType === 'deal');
    expect(dealStage).toMatchObject({ subscriptionType: 'object.propertyChange', propertyName: 'dealstage', active: true });
  });

  it('holds a read scope for every object type the card is shown on', () => {
    for (const objectType of card.config.objectTypes) {
      expect(app.config.auth.requiredScopes).toContain(`crm.objects.${objectType}.read`);
    }
  });
});
