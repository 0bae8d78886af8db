// Which build of wt-coord is running: scripts/build.mjs defines __WT_BUILD_ID__ as a digest of the
// sources it bundled, so the leader's CLI and the kit's entry of one build share it, and any change
// to the code (a document's schema among others) gives a new one. 'source' when src/ runs
// unbundled (tests under tsx). A sealed document (src/lib/seal.ts) names the build that wrote it.
declare const __WT_BUILD_ID__: string | undefined;

export const BUILD_ID: string = typeof __WT_BUILD_ID__ === 'string' ? __WT_BUILD_ID__ : 'source';
