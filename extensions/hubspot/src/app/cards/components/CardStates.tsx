/** The card's non-data states: loading, account not linked yet, and a retryable error. */
import { Button, EmptyState, ErrorState, LoadingSpinner, Text } from '@hubspot/ui-extensions';
import type { CardError } from '../lib/broker-client.ts';

/** Spinner while the first view loads. */
export function LoadingView() {
  return <LoadingSpinner label="Loading account data from Concord" showLabel layout="centered" />;
}

/** Props of {@link NotLinkedView}. */
export interface NotLinkedViewProps {
  recordLabel: string;
  /** Extra guidance from the broker's problem detail, if any. */
  detail: string | null;
  onRetry: () => void;
}

/** The record is not matched to an ERP/CS account yet: say what to do instead of showing an error. */
export function NotLinkedView({ recordLabel, detail, onRetry }: NotLinkedViewProps) {
  return (
    <EmptyState title="Not linked to an ERP account yet" layout="vertical" imageName="integrations" testId="not-linked">
      <Text>
        {`Concord has not matched this ${recordLabel} to a NetSuite customer or Vitally account. ` +
          "Records are linked when an admin runs Concord's identity sync, which matches them by tax id, domain and name."}
      </Text>
      {detail ? <Text variant="microcopy">{detail}</Text> : null}
      <Button variant="secondary" onClick={onRetry} testId="not-linked-retry">
        Check again
      </Button>
    </EmptyState>
  );
}

/** Props of {@link ErrorView}. */
export interface ErrorViewProps {
  error: CardError;
  onRetry: () => void;
}

/** Something went wrong loading the view; the code helps support find the broker's log line. */
export function ErrorView({ error, onRetry }: ErrorViewProps) {
  return (
    <ErrorState title="Account data could not be loaded" testId="error-state">
      <Text>{error.message}</Text>
      <Text variant="microcopy">{`Error code: ${error.code}`}</Text>
      <Button variant="primary" onClick={onRetry} testId="error-retry">
        Try again
      </Button>
    </ErrorState>
  );
}

/** Shown when the card is placed on an object type it does not support. */
export function UnsupportedObjectView({ objectTypeId }: { objectTypeId: string }) {
  return (
    <EmptyState title="Not available on this record type" layout="vertical" imageName="object" testId="unsupported">
      <Text>{`Concord's account review works on companies and deals (this record's type is ${objectTypeId}).`}</Text>
    </EmptyState>
  );
}
