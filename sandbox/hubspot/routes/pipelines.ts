/**
 * CRM v3 deal pipelines and stages (read-only). Won stages are the ones with
 * `metadata.isClosed = "true"` and `probability = "1.0"`.
 * https://developers.hubspot.com/docs/api/crm/pipelines
 */
import { Hono } from 'hono';
import { HubSpotError, invalid } from '../errors.js';
import type { HubSpotEnv } from '../context.js';
import { resolveType } from '../store.js';
import type { HubSpotPipeline, HubSpotPipelineStage } from '../../seed/types.js';

/** A stage as the v3 API returns it: seeded fields plus `writePermissions` (CRUD_ALL unless locked). */
function presentStage(s: HubSpotPipelineStage): Record<string, unknown> {
  return { ...s, writePermissions: 'CRUD_ALL' };
}

/** A pipeline as the v3 API returns it, stages in display order. */
function presentPipeline(p: HubSpotPipeline): Record<string, unknown> {
  return { ...p, stages: [...p.stages].sort((a, b) => a.displayOrder - b.displayOrder).map(presentStage) };
}

function dealsOnly(raw: string): void {
  if (resolveType(raw) !== 'deals') throw invalid(`Pipelines are not supported for object type ${raw} in the sandbox (deals only).`);
}

/** Routes under /crm/v3/pipelines. */
export function pipelineRoutes(): Hono<HubSpotEnv> {
  const app = new Hono<HubSpotEnv>();
  const find = (pipelines: HubSpotPipeline[], id: string): HubSpotPipeline => {
    const p = pipelines.find((x) => x.id === id);
    if (!p) throw new HubSpotError(404, 'OBJECT_NOT_FOUND', `Unable to find pipeline ${id}`);
    return p;
  };

  app.get('/:type', (c) => {
    dealsOnly(c.req.param('type'));
    return c.json({ results: c.get('ds').pipelines.filter((p) => !p.archived).sort((a, b) => a.displayOrder - b.displayOrder).map(presentPipeline) });
  });
  app.get('/:type/:pipelineId', (c) => {
    dealsOnly(c.req.param('type'));
    return c.json(presentPipeline(find(c.get('ds').pipelines, c.req.param('pipelineId'))));
  });
  app.get('/:type/:pipelineId/stages', (c) => {
    dealsOnly(c.req.param('type'));
    const p = c.get('ds').pipelines.find((x) => x.id === c.req.param('pipelineId'));
    if (!p) throw new HubSpotError(404, 'OBJECT_NOT_FOUND', `Unable to find pipeline ${c.req.param('pipelineId')}`);
    return c.json({ results: [...p.stages].sort((a, b) => a.displayOrder - b.displayOrder).map(presentStage) });
  });
  app.get('/:type/:pipelineId/stages/:stageId', (c) => {
    dealsOnly(c.req.param('type'));
    const p = c.get('ds').pipelines.find((x) => x.id === c.req.param('pipelineId'));
    const stage = p?.stages.find((s) => s.id === c.req.param('stageId'));
    if (!stage) throw new HubSpotError(404, 'OBJECT_NOT_FOUND', `Unable to find stage ${c.req.param('stageId')}`);
    return c.json(presentStage(stage));
  });
  return app;
}
