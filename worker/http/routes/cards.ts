/**
 * Card data API for embedded CRM surfaces, mounted at /v1/cards. Each CRM has its own signature
 * scheme and tenant lookup (docs/cards-api.md); both end in the same AccountView.
 */
import { Hono } from 'hono';
import type { CardEnv } from '../middleware/card-context.js';
import { hubspotCardRoutes } from './cards-hubspot.js';
import { salesforceCardRoutes } from './cards-salesforce.js';

export function cardRoutes() {
  const r = new Hono<CardEnv>();
  r.route('/hubspot', hubspotCardRoutes());
  r.route('/salesforce', salesforceCardRoutes());
  return r;
}
