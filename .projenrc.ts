import { awscdk, javascript } from 'projen';

// projen passes these esbuild options through to every handler bundle, although its
// BundlingOptions type names only the first two.
const handlerBundling: javascript.AddBundleOptions = {
  externals: [],
  sourcemap: false,
  // @platformatic/kafka is ESM with inline WebAssembly: bundle its self-contained build and
  // give import.meta.url a CommonJS value.
  esbuildArgs: { '--alias:@platformatic/wasm-utils': '@platformatic/wasm-utils/bundled' },
  define: { 'import.meta.url': '__import_meta_url' },
  banner: "const __import_meta_url=require('url').pathToFileURL(__filename).href;",
  platform: 'node',
  target: 'node22',
  // Smaller bundles load faster at cold start: minified, and the ES module builds of the AWS SDK
  // (mainFields) so esbuild can drop the parts a handler never imports. keepNames keeps class and
  // function names readable in logged errors.
  minify: true,
  keepNames: true,
  mainFields: ['module', 'main'],
};

const project = new awscdk.AwsCdkConstructLibrary({
  name: 'cdk-status-and-streams',
  description:
    'AWS CDK constructs for a serverless status page (checker + DynamoDB + HTML page) and a Kafka-driven real-time AI pipeline on Fargate.',
  author: 'cdk-status-and-streams maintainers',
  authorAddress: 'maintainers@users.noreply.github.com',
  repositoryUrl: 'https://github.com/cdk-status-and-streams/cdk-status-and-streams.git',
  license: 'Apache-2.0',
  keywords: ['awscdk', 'cdk', 'status-page', 'kafka', 'fargate', 'msk', 'uptime', 'dynamodb'],
  defaultReleaseBranch: 'main',
  packageManager: javascript.NodePackageManager.NPM,
  projenrcTs: true,

  // The floor users need: TableV2, Node 22 runtime, L1s we use.
  cdkVersion: '2.200.1',
  constructsVersion: '10.5.1',
  jsiiVersion: '~6.0.16',
  typescriptVersion: '~6.0.3',

  // No GitHub workflows: this project is verified by .ci/run.
  github: false,
  release: false,

  publishToPypi: {
    distName: 'cdk-status-and-streams',
    module: 'cdk_status_and_streams',
  },
  publishToMaven: {
    javaPackage: 'io.github.cdkstatusandstreams',
    mavenGroupId: 'io.github.cdk-status-and-streams',
    mavenArtifactId: 'cdk-status-and-streams',
  },

  // Handlers (*.lambda.ts) are bundled by esbuild into assets/ at build time.
  // The AWS SDK is bundled too, so the handler runs the SDK version we tested.
  lambdaOptions: {
    bundlingOptions: handlerBundling,
  },

  devDeps: [
    'mustache@^4.2.0',
    '@types/mustache@^4.2.5',
    '@aws-sdk/client-dynamodb@^3.700.0',
    '@aws-sdk/client-secrets-manager@^3.700.0',
    '@aws-sdk/client-sns@^3.700.0',
    '@smithy/node-http-handler@^4.0.0',
    '@aws-sdk/client-ecs@^3.700.0',
    // Kafka client for the pipeline's Lambdas: pure JS, works with Kafka 4.x; 2.x needs Node 22.
    '@platformatic/kafka@~1.35.0',
    'aws-msk-iam-sasl-signer-js@^1.0.3',
    'dynalite@^4.0.0',
    'playwright-core@^1.50.0',
    'cdk-nag@^2.36.0',
    'selfsigned@^2.4.1',
    // One log shape and EMF metrics for every handler (src/shared/runtime/).
    '@aws-lambda-powertools/logger@^2.36.0',
    '@aws-lambda-powertools/metrics@^2.36.0',
    // DynamoDB items as plain objects (DocumentClient) in every store.
    '@aws-sdk/lib-dynamodb@^3.700.0',
    // Message validation compiled from the shipped JSON Schemas.
    'ajv@^8.17.1',
    // Headless Chromium for the page tests from npm (its own binary): no system browser needed.
    '@sparticuz/chromium@^153.0.0',
    // Property-based tests of state machines (store, coordinator).
    'fast-check@^4.3.0',
    // The cdk CLI: the examples test runs `cdk synth` in copies of the example folders.
    'aws-cdk@^2.1000.0',
    // IAM: the calls the handlers make, evaluated against the policies on the synthesized roles.
    '@cloud-copilot/iam-simulate@^0.1.173',
    // Integration tests (alpha versions are exact; 2.193 accepts our aws-cdk-lib floor; assertions on a real account; snapshot mode in CI).
    '@aws-cdk/integ-tests-alpha@2.193.0-alpha.0',
    '@aws-cdk/integ-runner@^2.197.10',
    // WCAG checks of the status page in the headless browser (its script is injected into the page).
    'axe-core@^4.10.0',
  ],

  jestOptions: {
    updateSnapshot: javascript.UpdateSnapshot.NEVER,
    passWithNoTests: false,
    jestConfig: {
      testTimeout: 60_000,
      // One local Kafka broker (scripts/kafka/broker.sh) and Chromium unpacked once for the whole run.
      globalSetup: '<rootDir>/test/helpers/global-setup.ts',
      globalTeardown: '<rootDir>/test/helpers/kafka-global-teardown.ts',
      // The examples import the published name; in this repository it is the source
      // (examples/resolve-package-from-src.ts explains the mapping).
      moduleNameMapper: { '^cdk-status-and-streams$': '<rootDir>/src/index.ts' },
      transformIgnorePatterns: ['/node_modules/(?!@platformatic/)'],
      transform: {
        '^.+\\.[t]sx?$': new javascript.Transform('ts-jest', { tsconfig: 'test/tsconfig.json' }),
        '/node_modules/@platformatic/.+\\.js$': new javascript.Transform('<rootDir>/test/helpers/esm-transform.js'),
      },
    },
  },

  gitignore: ['test-reports/', 'cdk.out/', 'bench/results/', '.tmp/', 'examples/java/target/', 'examples/python/.venv/'],
  npmignoreEnabled: true,
});

// projen asks for @types/node@ts<version>, a tag npm does not publish for TypeScript 6.
project.deps.removeDependency('@types/node');
project.addDevDeps('@types/node@^20.17.0');

// Examples and benchmarks are type-checked and linted with the tests.
project.tsconfigDev.addInclude('../examples/**/*.ts');
project.tsconfigDev.addInclude('../bench/**/*.ts');
// The examples import 'cdk-status-and-streams' by name, as a copied app does: type-check and lint
// them against src/ (a path in `paths` is relative to test/tsconfig.json).
project.tsconfigDev.file.addOverride('compilerOptions.paths', { 'cdk-status-and-streams': ['../src/index.ts'] });
project.eslint?.file.addOverride('settings.import/resolver.typescript.project', ['./tsconfig.json', './test/tsconfig.json']);
project.eslint?.file.addOverride('settings.import/resolver.typescript.noWarnOnMultipleProjects', true);
project.eslint?.addLintPattern('examples');
// Handler logic is bundled with its libraries (devDependencies) into assets/ at build time.
project.eslint?.allowDevDeps('src/**/runtime/**');
project.eslint?.allowDevDeps('bench/**');
project.eslint?.allowDevDeps('examples/**');
project.eslint?.addLintPattern('bench');
// Once .npmignore exists npm no longer reads .gitignore: exclude every repo-only folder here.
project.npmignore?.exclude('examples/', 'bench/', 'test-reports/', '.ci/', '.cache/', '.tmp/', 'scripts/', 'rosetta/');
project.gitignore.exclude('.jsii.tabl.json');

// A fresh clone has no assets/: bundle the handlers before tests run.
const bundle = project.tasks.tryFind('bundle');
if (bundle) {
  project.testTask.prependSpawn(bundle);
}

// The main job: synthesize every TypeScript example app into its cdk.out.
const synthExamples = project.addTask('synth:examples', {
  description: 'Synthesize every TypeScript app under examples/ (no AWS account needed)',
});
if (bundle) {
  synthExamples.spawn(bundle);
}
synthExamples.exec('ts-node --project test/tsconfig.json examples/synth-all.ts');

// The StreamEnginePipeline's "embedded default": the synthesized pipeline run on this machine.
const pipelineLocal = project.addTask('pipeline:local', {
  description: 'The StreamEnginePipeline on this machine: local Kafka, the bundled handlers, engines as local processes, the sample replayed (Ctrl-C stops)',
});
if (bundle) {
  pipelineLocal.spawn(bundle);
}
pipelineLocal.exec('ts-node --project test/tsconfig.json --transpile-only examples/local-pipeline/main.ts', { receiveArgs: true });

// README and @example snippets must compile under jsii-rosetta --strict, as Construct Hub
// compiles them to show Python and Java; jsii-pacmak then reads the tablet for the docs.
const rosettaExtract = project.addTask('rosetta:extract', {
  description: 'Compile README and @example snippets with jsii-rosetta --strict (as Construct Hub does)',
  exec: 'scripts/docs/check-snippets.sh --no-compile --keep-tablet',
});
project.postCompileTask.spawn(rosettaExtract);
// jsii warnings (reserved words in Python or Java, ...) fail the build.
project.compileTask.reset('jsii --fail-on-warnings');

project.addTask('test:consumer', {
  description: 'Pack the library, install it into a fresh app with the peer floors, synth both constructs, check the assembly',
  exec: 'scripts/consumer/consumer-test.sh',
});

project.addTask('integ:verify', {
  description: 'Check the integration test apps still synthesize to their committed snapshots (no AWS account)',
  exec: 'scripts/integ/verify-snapshots.sh',
});
project.addTask('integ:update', {
  description: 'Rewrite the integration test snapshots',
  exec: 'scripts/integ/verify-snapshots.sh --update',
});

project.addTask('test:examples', {
  description: 'Copy each TypeScript example out of the repository, install the packed library, cdk synth, check the assembly',
  exec: 'scripts/examples/examples-test.sh',
});

// The status page on localhost: the real checker and renderer over an in-process DynamoDB (dynalite).
project.addTask('preview', {
  description: 'Serve the status page on localhost from the real checker and renderer over dynalite (--help for options)',
}).exec('ts-node --project test/tsconfig.json --transpile-only -r ./examples/resolve-package-from-src.ts test/preview/status-page-preview.ts', { receiveArgs: true });

project.addTask('bench', {
  description: 'Run the benchmarks in bench/ (prints figures; asserts nothing)',
}).exec('ts-node --project test/tsconfig.json bench/run-all.ts');
const benchBundles = project.addTask('bench:bundles', {
  description: 'Size and cold-init time of every handler bundle (BENCH_BUNDLES_BEFORE=<assets dir> compares with an earlier build)',
});
if (bundle) {
  benchBundles.spawn(bundle);
}
benchBundles.exec('ts-node --project test/tsconfig.json bench/bundles.bench.ts');

// The incidents CLI runs on the operator's machine with their own AWS credentials: bundled like a
// handler (the AWS SDK is a devDependency) and shipped as the package's bin.
project.bundler.addBundle('src/status-page/incident-cli.ts', {
  ...handlerBundling,
  tsconfigPath: project.tsconfigDev.fileName,
  executable: true,
});
project.addBins({ 'status-page-incident': 'assets/status-page/incident-cli/index.js' });

project.synth();
