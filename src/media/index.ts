// The media plane's public surface: what the composition root and the API import.
export type { Leg, PacketSink, SlotOutput } from "./Leg.ts";
export type { LegInfo } from "./MediaCall.ts";
export { MediaCall } from "./MediaCall.ts";
export { MediaNode } from "./MediaNode.ts";
export * from "./MediaTypes.ts";
