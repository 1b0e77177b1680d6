/**
 * Test file order for `npm test`: Vitest's own order (longest or largest
 * first), but with the browser files (test/e2e: Chromium, CPU-bound) taking
 * turns with the rest (integration: mostly waiting on the app and the
 * emulator). With two workers on two cores that keeps one browser file and
 * one waiting file side by side instead of two browser files fighting for
 * the CPU at the end of the run.
 */
import { BaseSequencer, type TestSpecification } from "vitest/node";

const isBrowserFile = (spec: TestSpecification) => /[/\\]test[/\\]e2e[/\\]/.test(spec.moduleId);

export default class BrowserFilesTakeTurns extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const browser = sorted.filter(isBrowserFile);
    const rest = sorted.filter((spec) => !isBrowserFile(spec));
    const order: TestSpecification[] = [];
    while (browser.length > 0 || rest.length > 0) {
      const b = browser.shift();
      if (b) order.push(b);
      // Two other files per browser file: there are about four times as many.
      order.push(...rest.splice(0, 2));
    }
    return order;
  }
}
