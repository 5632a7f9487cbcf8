/**
 * Jest resolver: the sfdx-lwc-jest resolver (`c/*` → force-app lwc folders, `lightning/*` →
 * its stubs), loaded with this SFDX project as root. Jest requires the resolver again in every
 * worker process, so the project root has to be fixed here as well as in the config.
 */
'use strict';

const { withSfdxProjectRoot } = require('./project-root.cjs');

module.exports = withSfdxProjectRoot(() => require('@salesforce/sfdx-lwc-jest/src/resolver.js'));
