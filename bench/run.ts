// `npm run bench`: every benchmark, one JSON document on stdout. Pass names to run a
// subset: npm run bench -- control limits media latency monitoring workers stall
import { runCoachingStallBench } from "./coachingStall.ts";
import { runControlBench } from "./control.ts";
import { runForwardBench } from "./forward.ts";
import { runLatencyBench } from "./latency.ts";
import { runLimiterBench } from "./limits.ts";
import { runMediaBench } from "./media.ts";
import { runMonitoringBench } from "./monitoring.ts";
import { runSipBench } from "./sip.ts";
import { runWorkersBench } from "./workers.ts";

const suites: Record<string, () => Promise<object>> = {
  control: runControlBench,
  forward: () => runForwardBench(),
  limits: runLimiterBench,
  media: () => runMediaBench(),
  monitoring: runMonitoringBench,
  latency: () => runLatencyBench(),
  sip: () => runSipBench(),
  workers: () => runWorkersBench(),
  stall: runCoachingStallBench,
};

const wanted = process.argv.slice(2).filter((a) => a in suites);
const results: Record<string, unknown> = {
  machine: { node: process.version, cpus: (await import("node:os")).cpus().length },
};
for (const name of wanted.length > 0 ? wanted : Object.keys(suites)) {
  process.stderr.write(`bench: ${name}…\n`);
  try {
    results[name] = await suites[name]();
  } catch (e) {
    results[name] = { error: (e as Error).message };
  }
}
console.log(JSON.stringify(results, null, 2));
process.exit(0);
