/**
 * Jest config for the SuiteScript tests, built by @oracle/suitecloud-unit-testing (its stubs of
 * the N/ modules, its Babel transform of AMD `define` modules, and the `SuiteScripts/...` module
 * path of an account customization project).
 *
 * Run from the repo root: `npm run test:netsuite` (or `npx jest` in this folder).
 * `.cjs` because the repo is `"type": "module"`. The builder assumes node_modules and the tests
 * sit in the folder Jest is started from; here node_modules is the repo root's and the tests are
 * in this folder wherever Jest starts, so rootDir, roots and testMatch are pinned below.
 */
'use strict';

const path = require('node:path');
const SuiteCloudJestConfiguration = require('@oracle/suitecloud-unit-testing/jest-configuration/SuiteCloudJestConfiguration');

const repoRoot = path.resolve(__dirname, '../..');

const config = SuiteCloudJestConfiguration.build({
  // Joined to process.cwd() by the builder.
  projectFolder: path.relative(process.cwd(), path.join(__dirname, 'src')),
  projectType: SuiteCloudJestConfiguration.ProjectType.ACP,
  rootDir: repoRoot,
  // N/crypto/random is not among the package's stubs.
  customStubs: [{ module: 'N/crypto/random', path: path.join(__dirname, 'jest/stubs/crypto-random.js') }],
});

module.exports = {
  ...config,
  rootDir: repoRoot,
  roots: [__dirname],
  testMatch: ['<rootDir>/extensions/netsuite/__tests__/**/*.test.js'],
  testEnvironment: 'node',
};
