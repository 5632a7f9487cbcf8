/** The committed JSON Schemas in manifests/schema match the zod model (run `npm run schema`). */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { AccountViewSchema, buildJsonSchemas, ENTITY_SCHEMAS, serializeSchemaFile } from '../../worker/model/index.js';

const dir = new URL('../../manifests/schema/', import.meta.url);

describe('manifests/schema', () => {
  const generated = buildJsonSchemas();

  it('has exactly one file per entity plus index.json', () => {
    const committed = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();
    expect(committed).toEqual(Object.keys(generated).sort());
    expect(committed).toHaveLength(Object.keys(ENTITY_SCHEMAS).length + 1);
  });

  it.each(Object.keys(buildJsonSchemas()))('%s is up to date (else run npm run schema)', (file) => {
    expect(readFileSync(new URL(file, dir), 'utf8')).toBe(serializeSchemaFile(generated[file]));
  });

  it('are draft 2020-12 with a versioned $id and the zod descriptions', () => {
    const account = generated['account.schema.json'] as Record<string, unknown>;
    expect(account.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(account.$id).toBe('urn:concord:schema:v3:account');
    expect(account.additionalProperties).toBe(false);
    const view = generated['account-view.schema.json'] as { description: string; required: string[] };
    expect(view.description).toBe(AccountViewSchema.description);
    expect(view.required).toContain('freshness');
  });
});
