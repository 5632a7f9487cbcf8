/**
 * Jest config for the Concord LWC tests (@salesforce/sfdx-lwc-jest preset).
 *
 * Run from the repo root: `npx jest -c extensions/salesforce/jest.config.cjs`
 * (or from this folder: `npx jest`).
 *
 * `.cjs` because the repo is `"type": "module"` and the preset is CommonJS.
 * The preset finds `sfdx-project.json` from `process.cwd()`; see ./jest/project-root.cjs for how we
 * point it at this folder without changing Jest's own working directory.
 */
'use strict';

const { withSfdxProjectRoot } = require('./jest/project-root.cjs');

const { jestConfig } = withSfdxProjectRoot(() => require('@salesforce/sfdx-lwc-jest/config'));

module.exports = {
  ...jestConfig,
  rootDir: __dirname,
  // The preset's resolver, loaded with this folder as its project root (also in Jest workers).
  resolver: require.resolve('./jest/resolver.cjs'),
  testMatch: ['<rootDir>/force-app/**/__tests__/**/*.test.js'],
};
