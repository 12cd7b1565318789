// Entry point of the renderer Lambda (bundled by esbuild into assets/). Logic lives in runtime/:
// page-renderer.ts (auth, routes, rendering) and renderer-environment.ts (config, clients).
import { createLambdaHandler } from './runtime/renderer-environment';

export const handler = createLambdaHandler(process.env);
