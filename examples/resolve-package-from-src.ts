// The examples import the library by its published name, 'cdk-status-and-streams', so that a copied
// folder works as it is. Inside this repository there is no such package: synth-all.ts preloads
// this file (node -r, after ts-node) to make require('cdk-status-and-streams') load src/index.ts.
// Type-checking and jest map the same name to src/ through test/tsconfig.json `paths` and jest's
// moduleNameMapper (both set in .projenrc.ts).
import Module from 'node:module';
import * as path from 'node:path';

const PACKAGE_NAME = 'cdk-status-and-streams';
const SOURCE_ENTRY = path.join(__dirname, '..', 'src', 'index.ts');

// Node's resolver hook; @types/node does not declare it.
type ResolveFilename = (this: unknown, request: string, ...rest: unknown[]) => string;
const loader = Module as unknown as { _resolveFilename: ResolveFilename };
const resolveFilename = loader._resolveFilename;
loader._resolveFilename = function (request, ...rest) {
  return resolveFilename.call(this, request === PACKAGE_NAME ? SOURCE_ENTRY : request, ...rest);
};
