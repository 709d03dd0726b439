// The import rules of .dependency-cruiser.cjs, checked (npm run lint). Through
// dependency-cruiser's API rather than its `depcruise` command, which refuses to start on
// Node 20 (our engine) though the cruise itself runs on it.
import { createRequire } from "node:module";
import { cruise } from "dependency-cruiser";

const require = createRequire(import.meta.url);
const config = require("../.dependency-cruiser.cjs");
const result = await cruise(["src", "web"], {
  ...config.options,
  validate: true,
  ruleSet: { forbidden: config.forbidden },
  outputType: "json",
});
const summary = typeof result.output === "string" ? JSON.parse(result.output).summary : result.output.summary;
if (summary.error > 0) {
  for (const v of summary.violations) {
    const cycle = v.cycle ? ` (cycle: ${v.cycle.map((c) => c.name ?? c).join(" → ")})` : "";
    console.error(`import rule ${v.rule.name}: ${v.from} → ${v.to}${cycle}`);
  }
  console.error(`${summary.error} import rule violation(s); the rules are in .dependency-cruiser.cjs`);
  process.exit(1);
}
console.log(`imports: ${summary.totalCruised} modules, no rule broken`);
