/**
 * "Recent changes": the latest lines of the account's history (ERP and CS changes, CRM edits,
 * what the lifecycle automations did), newest first, each with where it came from and when.
 * What an automation did carries an "Automation" tag, so a CSM tells Concord's own actions from
 * changes people made. Pure: renders the state it is given.
 */
import { Flex, Heading, LoadingSpinner, Tag, Text } from '@hubspot/ui-extensions';
import type { CardError } from '../lib/broker-client.ts';
import { isAutomation, type ChangeItem } from '../lib/changes.ts';
import { formatDateTime } from '../lib/format.ts';

/** The changes as the card holds them: loading, loaded, or why they could not be read. */
export type ChangesState = { status: 'loading' } | { status: 'ready'; items: ChangeItem[] } | { status: 'error'; error: CardError };

/** Props of {@link RecentChanges}. */
export interface RecentChangesProps {
  changes: ChangesState;
  locale: string;
}

export function RecentChanges({ changes, locale }: RecentChangesProps) {
  return (
    <Flex direction="column" gap="xs">
      <Heading>Recent changes</Heading>
      {changes.status === 'loading' ? (
        <LoadingSpinner size="xs" label="Loading recent changes" showLabel />
      ) : changes.status === 'error' ? (
        <Text variant="microcopy" testId="changes-error">{`Recent changes could not be loaded. ${changes.error.message}`}</Text>
      ) : changes.items.length === 0 ? (
        <Text variant="microcopy" testId="changes-empty">No changes recorded yet</Text>
      ) : (
        changes.items.map((item, i) => (
          <Flex key={`${item.at}-${i}`} direction="column" gap="flush">
            <Text testId={`change-${i}`}>{item.summary}</Text>
            <Flex direction="row" gap="xs" align="center" wrap>
              {isAutomation(item) ? (
                <Tag variant="info" inline testId={`change-automation-${i}`}>
                  Automation
                </Tag>
              ) : null}
              <Text variant="microcopy" testId={`change-source-${i}`}>{`${item.source} · ${formatDateTime(item.at, locale)}`}</Text>
            </Flex>
          </Flex>
        ))
      )}
    </Flex>
  );
}
