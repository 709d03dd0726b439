// The live board's figures (protocol/stats.ts) as TypeBox schemas, named by $id like the other
// resources (resourceSchemas.ts lists them in RESOURCE_SCHEMAS) and checked against their types.
import { Type } from "@sinclair/typebox";
import type { LoopDelaySummary, MediaWorkerStats, MediaWorkersView } from "../protocol/mediaWorkers.ts";
import type { LiveStats, NumberStats, PeriodStats } from "../protocol/stats.ts";
import { NullableStr, nullable, object, ref, Str, same } from "./schemaKit.ts";

const nullableNum = nullable(Type.Number());

export const PeriodStatsSchema = object("PeriodStats", {
  answered: Type.Number(),
  abandoned: Type.Number(),
  serviceLevel: nullableNum,
  averageSpeedOfAnswerMs: nullableNum,
  averageHandleTimeMs: nullableNum,
});

export const NumberStatsSchema = object("NumberStats", {
  numberId: NullableStr,
  name: Str,
  waiting: Type.Number(),
  longestWaitMs: Type.Number(),
  today: ref(PeriodStatsSchema),
  last15m: ref(PeriodStatsSchema),
});

export const LiveStatsSchema = object("LiveStats", {
  orgId: Str,
  at: Str,
  timeZone: Str,
  dayStart: Str,
  serviceLevelThresholdMs: Type.Number(),
  numbers: Type.Array(ref(NumberStatsSchema)),
  total: ref(NumberStatsSchema),
});

const Count = Type.Integer({ minimum: 0 });
const Share = Type.Number({ minimum: 0, maximum: 1 });
const Ms = Type.Number({ minimum: 0 });

export const LoopDelaySummarySchema = object("LoopDelaySummary", {
  samples: Count,
  p50: Ms,
  p99: Ms,
  max: Ms,
});

export const MediaWorkerStatsSchema = object("MediaWorkerStats", {
  index: Count,
  alive: Type.Boolean(),
  calls: Count,
  legs: Count,
  packetsIn: Count,
  packetsOut: Count,
  packetsDropped: Count,
  stalls: Count,
  eventLoopUtilization: Share,
  loopDelayMs: ref(LoopDelaySummarySchema),
});

export const MediaWorkersViewSchema = object("MediaWorkersView", {
  inProcess: Type.Boolean(),
  mainThreadUtilization: Share,
  workers: Type.Array(ref(MediaWorkerStatsSchema)),
});

same<typeof PeriodStatsSchema, PeriodStats>(true);
same<typeof NumberStatsSchema, NumberStats>(true);
same<typeof LiveStatsSchema, LiveStats>(true);
same<typeof LoopDelaySummarySchema, LoopDelaySummary>(true);
same<typeof MediaWorkerStatsSchema, MediaWorkerStats>(true);
same<typeof MediaWorkersViewSchema, MediaWorkersView>(true);
