/**
 * In-page accessibility probes for the browser tests (no axe-core installed): WCAG 2.x text
 * contrast of every visible text element, and horizontal overflow of the document.
 */
import type { Page } from 'playwright-core';

/** A text element whose colour pair fails the AA threshold. */
export interface ContrastFailure { text: string; ratio: number; fg: string; bg: string }

/**
 * Check every element under `selector` that directly holds visible text: contrast of `color`
 * against the nearest opaque background must be at least 4.5:1 (WCAG 1.4.3, normal text).
 */
export async function contrastFailures(page: Page, selector: string): Promise<ContrastFailure[]> {
  return page.evaluate((sel) => {
    const parse = (c: string): [number, number, number, number] | null => {
      const m = /rgba?\(([\d.]+),\s*([\d.]+),\s*([\d.]+)(?:,\s*([\d.]+))?\)/.exec(c);
      return m ? [Number(m[1]), Number(m[2]), Number(m[3]), m[4] === undefined ? 1 : Number(m[4])] : null;
    };
    const lum = ([r, g, b]: number[]) => {
      const ch = (v: number) => { const s = v / 255; return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4; };
      return 0.2126 * ch(r!) + 0.7152 * ch(g!) + 0.0722 * ch(b!);
    };
    const bgOf = (el: Element | null): string => {
      for (let e = el; e; e = e.parentElement) {
        const c = parse(getComputedStyle(e).backgroundColor);
        if (c && c[3] > 0.5) return getComputedStyle(e).backgroundColor;
      }
      return 'rgb(255, 255, 255)';
    };
    const out: { text: string; ratio: number; fg: string; bg: string }[] = [];
    for (const root of Array.from(document.querySelectorAll(sel))) {
      for (const el of Array.from(root.querySelectorAll('*'))) {
        if (el.closest('svg') || el.closest('.cc-sr-only')) continue;
        const text = Array.from(el.childNodes).filter((n) => n.nodeType === 3).map((n) => n.textContent ?? '').join('').trim();
        const box = (el as HTMLElement).getBoundingClientRect();
        if (text === '' || box.width === 0 || box.height === 0) continue;
        const fg = getComputedStyle(el).color;
        const bg = bgOf(el);
        const a = parse(fg), b = parse(bg);
        if (!a || !b) continue;
        const [l1, l2] = [lum(a), lum(b)].sort((x, y) => y - x) as [number, number];
        const ratio = (l1 + 0.05) / (l2 + 0.05);
        if (ratio < 4.5) out.push({ text: text.slice(0, 40), ratio: Math.round(ratio * 100) / 100, fg, bg });
      }
    }
    return out;
  }, selector);
}

/** How many CSS pixels the page scrolls horizontally (0 means it fits the viewport). */
export async function horizontalOverflow(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
}

/** Press Tab until the focused element's text matches, or give up after `max` presses. */
export async function tabTo(page: Page, text: string, max = 25): Promise<boolean> {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    const focused = await page.evaluate(() => document.activeElement?.textContent?.trim() ?? '');
    if (focused === text) return true;
  }
  return false;
}

/**
 * Elements under `selector` whose content is wider than their box (text spilling over its
 * neighbours), ignoring deliberate horizontal scrollers (`.cc-table-wrap`) and hidden text.
 */
export async function overflowingElements(page: Page, selector: string): Promise<string[]> {
  return page.evaluate((sel) => {
    const out: string[] = [];
    for (const root of Array.from(document.querySelectorAll(sel))) {
      for (const el of Array.from(root.querySelectorAll<HTMLElement>('*'))) {
        if (el.closest('svg') || el.closest('.cc-sr-only') || el.closest('.cc-table-wrap')) continue;
        if (el.clientWidth > 0 && el.scrollWidth > el.clientWidth + 1) out.push(`${el.tagName.toLowerCase()}.${el.className}: ${el.textContent?.slice(0, 30)}`);
      }
    }
    return out;
  }, selector);
}
