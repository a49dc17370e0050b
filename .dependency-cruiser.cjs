'use strict';
// Dependency rules over src/ (npm run lint), besides ESLint's layer rules: no cycles, no use case
// importing another (shared steps live in application/<topic>/), no development dependency in
// what ships. The benchmark and explain tools are development tools: they are not compiled
// into the production build (tsconfig.build.json) and may use development dependencies.
const DEVELOPMENT_TOOLS = '^src/interfaces/cli/(bench|explain|floor|floor-server|search-mix|write-load|crash-write-load)\\.ts$';

module.exports = {
  forbidden: [
    {
      name: 'no-cycles',
      severity: 'error',
      comment: 'A module must not depend on itself through others.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'no-use-case-to-use-case',
      severity: 'error',
      comment: 'A use case does not import another; what they share lives in application/<topic>/.',
      from: { path: '^src/application/(commands|queries)/([^/]+)/' },
      to: { path: '^src/application/(commands|queries)/', pathNot: '^src/application/$1/$2/' },
    },
    {
      name: 'no-development-dependencies-in-the-service',
      severity: 'error',
      comment: 'What ships runs after npm ci --omit=dev: only the development tools may use development dependencies.',
      from: { path: '^src', pathNot: DEVELOPMENT_TOOLS },
      to: { dependencyTypes: ['npm-dev'] },
    },
    {
      name: 'the-service-does-not-use-development-tools',
      severity: 'error',
      comment: 'The development tools are not in the production build.',
      from: { path: '^src', pathNot: DEVELOPMENT_TOOLS },
      to: { path: DEVELOPMENT_TOOLS },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
  },
};
