/**
 * A section title with its provenance: where the figures come from, how old they are, and
 * which system owns them (so a CSM edits them there, not in HubSpot).
 */
import { Flex, Heading, Text } from '@hubspot/ui-extensions';
import { freshnessLabel, systemName } from '../lib/format.ts';
import type { SectionMeta } from '../lib/sections.ts';

/** Props of {@link SectionHeader}. */
export interface SectionHeaderProps {
  title: string;
  /** Used to build stable test ids (`freshness-<id>`, `owner-<id>`). */
  id: string;
  meta: SectionMeta;
}

/** Heading plus "NetSuite · 2 min ago" and "Owned by NetSuite" hints. */
export function SectionHeader({ title, id, meta }: SectionHeaderProps) {
  return (
    <Flex direction="column" gap="flush">
      <Heading>{title}</Heading>
      {meta.owner ? (
        <Flex direction="row" gap="sm" wrap>
          <Text variant="microcopy" testId={`freshness-${id}`}>
            {freshnessLabel(meta.owner, meta.freshness)}
          </Text>
          <Text variant="microcopy" testId={`owner-${id}`}>
            {`Owned by ${systemName(meta.owner)}`}
          </Text>
        </Flex>
      ) : null}
    </Flex>
  );
}
