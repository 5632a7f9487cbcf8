/**
 * The deal's ERP order (its closed-won run): being created, created (number and, when the broker
 * gives one, a link to the order in the ERP), blocked (each issue: what is wrong, where to fix
 * it, what to do) or failed (why), with Retry for the last two. Pure: renders what it is given
 * and reports the Retry click.
 */
import { Alert, Flex, Heading, Link, LoadingButton, StatusTag, Text } from '@hubspot/ui-extensions';
import type { CardError } from '../lib/broker-client.ts';
import { formatDateTime, systemName } from '../lib/format.ts';
import type { Order, OrderIssue } from '../lib/order.ts';

/** Props of {@link OrderSection}. */
export interface OrderSectionProps {
  order: Order;
  locale: string;
  retrying: boolean;
  onRetry: () => void;
}

/** Who is asked to fix an issue, in words ("Owner: Dana Reyes <dana@example.com>"), or null. */
export function ownerLabel(issue: OrderIssue): string | null {
  const o = issue.owner;
  const who = [o?.name, o?.email ? `<${o.email}>` : null].filter(Boolean).join(' ');
  return who ? `Owner: ${who}` : null;
}

/** Where an issue is fixed, in words: "Fix in HubSpot", "Fix in NetSuite", "Fix in Concord". */
export function fixInLabel(issue: OrderIssue): string {
  if (issue.fixInSystem === 'concord' || issue.fixIn === 'concord') return 'Fix in Concord';
  if (issue.fixInSystem) return `Fix in ${systemName(issue.fixInSystem)}`;
  return issue.fixIn === 'crm' ? 'Fix in the CRM' : 'Fix in the ERP';
}

function RetryButton({ retrying, onRetry }: Pick<OrderSectionProps, 'retrying' | 'onRetry'>) {
  return (
    <LoadingButton variant="primary" size="sm" loading={retrying} onClick={onRetry} testId="order-retry">
      Retry
    </LoadingButton>
  );
}

/** One order, in its state. */
export function OrderSection({ order, locale, retrying, onRetry }: OrderSectionProps) {
  switch (order.state) {
    case 'creating':
      return (
        <Flex direction="column" gap="xs">
          <Heading>ERP order</Heading>
          <Flex direction="row" gap="sm" align="center" wrap>
            <StatusTag variant="info" testId="order-status">Creating</StatusTag>
            <Text testId="order-step">{`${order.stepLabel}…`}</Text>
          </Flex>
          <Text variant="microcopy">{`Closed won ${formatDateTime(order.startedAt, locale)}. Concord creates the customer, the sales order and the customer-success account.`}</Text>
        </Flex>
      );
    case 'created': {
      const erp = order.erp ? systemName(order.erp) : 'the ERP';
      return (
        <Flex direction="column" gap="xs">
          <Heading>ERP order</Heading>
          <Flex direction="row" gap="sm" align="center" wrap>
            <StatusTag variant="success" testId="order-status">Created</StatusTag>
            <Text format={{ fontWeight: 'bold' }} testId="order-number">{`Sales order ${order.orderNumber}`}</Text>
            <Text>{`in ${erp}`}</Text>
          </Flex>
          {order.orderUrl ? (
            <Link href={{ url: order.orderUrl, external: true }} testId="order-link">{`Open in ${erp}`}</Link>
          ) : null}
          <Text variant="microcopy">{`Created ${formatDateTime(order.completedAt, locale)}`}</Text>
        </Flex>
      );
    }
    case 'blocked':
      return (
        <Flex direction="column" gap="xs">
          <Heading>ERP order</Heading>
          <Alert title="Order blocked: the deal needs a fix" variant="warning" testId="order-blocked">
            <Flex direction="column" gap="sm">
              {order.issues.map((issue, i) => (
                <Flex key={`${issue.field}-${i}`} direction="column" gap="flush">
                  <Text format={{ fontWeight: 'bold' }} testId={`order-issue-${i}`}>{issue.message}</Text>
                  <Text testId={`order-fix-${i}`}>{`${fixInLabel(issue)}: ${issue.action}`}</Text>
                  {ownerLabel(issue) ? <Text variant="microcopy" testId={`order-owner-${i}`}>{ownerLabel(issue)}</Text> : null}
                </Flex>
              ))}
              {order.issues.length === 0 ? <Text>{`Concord stopped at: ${order.stepLabel}.`}</Text> : null}
            </Flex>
          </Alert>
          <Flex direction="row" gap="sm" align="center" wrap>
            <RetryButton retrying={retrying} onRetry={onRetry} />
            <Text variant="microcopy">After the fix, Retry checks the deal again.</Text>
          </Flex>
        </Flex>
      );
    case 'failed':
      return (
        <Flex direction="column" gap="xs">
          <Heading>ERP order</Heading>
          <Alert title="Order failed" variant="danger" testId="order-failed">
            <Text>{`${order.stepLabel} failed. ${order.reason}`}</Text>
          </Alert>
          <Flex direction="row" gap="sm" align="center" wrap>
            <RetryButton retrying={retrying} onRetry={onRetry} />
            <Text variant="microcopy">Retry runs that step again; nothing already created is created twice.</Text>
          </Flex>
        </Flex>
      );
  }
}

/** The order could not be loaded: one line, so the rest of the card still shows. */
export function OrderUnavailable({ error }: { error: CardError }) {
  return (
    <Flex direction="column" gap="xs">
      <Heading>ERP order</Heading>
      <Text variant="microcopy" testId="order-error">{error.message}</Text>
    </Flex>
  );
}
