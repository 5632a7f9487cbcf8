/**
 * SuiteCloud CLI for Node.js project configuration: the SDF project lives in ./src.
 * https://docs.oracle.com/en/cloud/saas/netsuite/ns-online-help/subsect_156145736925.html
 */
module.exports = {
	defaultProjectFolder: 'src',
	commands: {},
};
