/**
 * Every mapper of worker/connectors/vitally/map.ts fed the saved Vitally payloads
 * (test/fixtures/vitally/, Vitally's documented shapes), after the boundary schemas the client
 * applies, asserting the canonical values a CSM would see.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { escalationsFromConversations, healthFromScores, matchRecordFromAccount, onboardingFromProjects, toCanonicalScore } from '../../worker/connectors/vitally/map.js';
import { AccountSchema, ConversationSchema, HealthScoreSchema, NoteSchema, ProjectSchema, TaskSchema, describeVitallyError, page } from '../../worker/connectors/vitally/schemas.js';
import type { z } from 'zod';

const fixture = (name: string): unknown => JSON.parse(readFileSync(new URL(`../fixtures/vitally/${name}.json`, import.meta.url), 'utf8'));
const results = <S extends z.ZodType>(name: string, item: S): z.infer<S>[] => page(item).parse(fixture(name)).results as z.infer<S>[];

describe('Vitally payloads -> canonical', () => {
  it('toCanonicalScore: Vitally 0-10 to 0-100, clamped', () => {
    expect(toCanonicalScore(6.4)).toBe(64);
    expect(toCanonicalScore(7.15)).toBe(71.5);
    expect(toCanonicalScore(11)).toBe(100);
    expect(toCanonicalScore(-1)).toBe(0);
  });

  it('matchRecordFromAccount: the CRM key and the domain trait, from the list and one account', () => {
    const [keyed, domainOnly] = results('accounts.list', AccountSchema).map(matchRecordFromAccount);
    expect(keyed).toEqual({ externalId: '5b0c2f7e-1d3a-4c55-9a41-6f2e8c1d7b90', name: 'Northwind Traders', domain: 'northwind.example', taxId: null, crmHint: '5123456789', country: null, city: null, address: null, emails: [] });
    expect(domainOnly).toEqual({ externalId: '9e2d4b61-0f7a-4c38-b5e1-7a9c3d2f8e14', name: 'Acme Analytics (DE)', domain: 'acme-analytics.example', taxId: null, crmHint: null, country: null, city: null, address: null, emails: [] });
    expect(matchRecordFromAccount(AccountSchema.parse(fixture('account.get')))).toEqual(keyed);
    expect(AccountSchema.parse(fixture('account.update')).traits).toMatchObject({ 'concord.openAr': 12240, domain: 'northwind.example' });
  });

  it('healthFromScores: latest score, history oldest first, category signals', () => {
    const health = healthFromScores(results('healthScores.list', HealthScoreSchema), null);
    expect(health).toEqual({
      score: 64,
      asOf: '2026-11-19',
      history: [{ date: '2026-11-12', score: 71 }, { date: '2026-11-19', score: 64 }],
      signals: [{ name: 'productUsage', score: 71 }, { name: 'support', score: 49 }, { name: 'engagement', score: 68 }],
    });
    // No history: the account's own healthScore, dated by its last update.
    expect(healthFromScores([], AccountSchema.parse(fixture('account.get')))).toMatchObject({ score: 64, asOf: '2026-11-24', history: [] });
  });

  it('onboardingFromProjects: tasks of the project ordered by due date, completedAt and the status trait', () => {
    const onboarding = onboardingFromProjects(results('projects.list', ProjectSchema), results('tasks.list', TaskSchema));
    expect(onboarding).toEqual({
      status: 'stalled',
      milestones: [
        { id: '8a1d5e92-3c6f-4b07-9e24-5f8b2d1a7c63', name: 'Kickoff', status: 'completed', dueDate: '2026-09-05', completedAt: '2026-09-04T16:00:00.000Z' },
        { id: 'c4e7b290-1a5d-4f38-8b6c-2d9e0f7a3b15', name: 'Data migration', status: 'blocked', dueDate: '2026-10-15', completedAt: null },
        { id: '5d9f2c81-6b4e-4a73-a1d0-8e3c7b2f9a46', name: 'Go-live', status: 'not_started', dueDate: '2026-11-30', completedAt: null },
      ],
    });
    expect(onboardingFromProjects([], results('tasks.list', TaskSchema))).toBeNull();
    const [project] = results('projects.list', ProjectSchema);
    expect(onboardingFromProjects([{ ...project!, actualCompletionDate: '2026-11-28' }], results('tasks.list', TaskSchema))?.status).toBe('completed');
  });

  it('escalationsFromConversations: open conversations only, priority from the trait', () => {
    expect(escalationsFromConversations(results('conversations.list', ConversationSchema))).toEqual([
      { id: '71b3e9d4-2f8a-4c65-b0d7-9e1a5c3f8b22', subject: 'Invoices not syncing to the ERP', priority: 'urgent', status: 'open', openedAt: '2026-11-20T15:02:31.000Z' },
    ]);
  });

  it('notes and errors parse as the client reads them', () => {
    expect(NoteSchema.parse(fixture('notes.create'))).toMatchObject({ id: 'e3b7d1a6-4c9f-4e28-a5d0-7b2f8c1e9d53', externalId: 'concord-note-6f1c2a9e' });
    expect(results('notes.list', NoteSchema).map((n) => n.externalId)).toEqual(['concord-note-6f1c2a9e']);
    expect(describeVitallyError(fixture('error.not-found'))).toBe('Account 00000000-0000-0000-0000-000000000000 not found');
    expect(describeVitallyError(fixture('error.rate-limited'))).toBe('Rate limit of 1000 requests per minute exceeded');
  });
});
