/**
 * Stub of N/crypto/random (SuiteScript 2.1, since 2023.1), which @oracle/suitecloud-unit-testing
 * 1.8.0 does not ship: same members as the module, no behaviour; tests mock them with jest.
 * https://docs.oracle.com/en/cloud/saas/netsuite/ns-online-help/section_13113107585.html
 */
define([], function () {
	var random = function () {};

	/** @return {Uint8Array} cryptographically strong random bytes (options.size). */
	random.prototype.generateBytes = function (options) {};

	/** @return {number} a random integer in [options.min, options.max). */
	random.prototype.generateInt = function (options) {};

	/** @return {string} a v4 UUID from a cryptographically secure generator. */
	random.prototype.generateUUID = function () {};

	return new random();
});
