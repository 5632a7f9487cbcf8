/**
 * The account's latest changes (`ConcordController.getAccountChanges`: the broker's
 * `{items: [{at, source, action, summary}]}`, docs/cards-api.md) → what the "Recent changes"
 * section shows: each line, where it came from and when, newest first; what one of Concord's
 * automations did is marked "Automation". Malformed lines are left out. Pure.
 */
import { formatInstant } from './orderModel';

/** The broker's source of what a lifecycle automation did (finance hold, CRM tasks, billing released). */
export const AUTOMATION_SOURCE = 'Concord automation';

const isText = (v) => typeof v === 'string' && v.length > 0;

/**
 * @param {unknown} items the `items` of the controller's answer
 * @param {string} locale the user's locale
 * @returns {{key: string, summary: string, source: string, when: string, at: string, isAutomation: boolean}[]}
 */
export function toChangesModel(items, locale) {
    if (!Array.isArray(items)) {
        return [];
    }
    return items
        .filter((i) => i && isText(i.at) && isText(i.source) && isText(i.summary))
        .sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0))
        .map((i, n) => ({
            key: `${i.at}-${n}`,
            summary: i.summary,
            source: i.source,
            at: i.at,
            when: formatInstant(i.at, locale),
            isAutomation: i.source === AUTOMATION_SOURCE
        }));
}
