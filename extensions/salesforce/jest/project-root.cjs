/**
 * Loads @salesforce/sfdx-lwc-jest modules with this SFDX project as their project root.
 *
 * The preset computes its project root from `process.cwd()` when first required and globs the
 * `lwc` folders relative to the cwd on first use (src/utils/project.js), which only works when Jest
 * is started inside the SFDX project. Concord runs Jest from the repo root, so we switch the cwd
 * for the duration of the first load, warm the (cached) module-path list, and switch back:
 * changing Jest's cwd for good would make it re-read the config from the wrong folder.
 */
'use strict';

const path = require('node:path');

const SFDX_ROOT = path.resolve(__dirname, '..');

/**
 * Runs `load` with the cwd set to the SFDX project root and returns its result.
 * @template T
 * @param {() => T} load
 * @returns {T}
 */
function withSfdxProjectRoot(load) {
  const previous = process.cwd();
  process.chdir(SFDX_ROOT);
  try {
    // Caches PROJECT_ROOT and the lwc module paths inside the preset's module instance.
    require('@salesforce/sfdx-lwc-jest/src/utils/project.js').getModulePaths();
    return load();
  } finally {
    process.chdir(previous);
  }
}

module.exports = { withSfdxProjectRoot, SFDX_ROOT };
