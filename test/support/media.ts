// The media plane a test server gets: in the main thread, or in EARSHOT_MEDIA_WORKERS worker
// threads when the environment says so (`EARSHOT_MEDIA_WORKERS=2 node scripts/test.mjs FILE`
// runs a test that uses this with the media plane in workers).
import type { NodeMedia } from "../../src/media/commands.ts";
import type { MediaNodeOptions } from "../../src/media/MediaTypes.ts";
import { createMedia } from "../../src/media/nodeMedia.ts";

export function testMedia(options: MediaNodeOptions): Promise<NodeMedia> {
  return createMedia(Number(process.env.EARSHOT_MEDIA_WORKERS ?? 0), options);
}
