"use strict";
// @autorest/typescript requires this module at load time but only calls it when generating a
// rest-level client (RLC). Any use means the configuration asked for RLC output, which this
// repository does not support: fail loudly instead of producing partial output.
module.exports = new Proxy(
  {},
  {
    get(_target, key) {
      if (key === "__esModule" || typeof key === "symbol") return undefined;
      throw new Error(
        `@azure-tools/rlc-common.${String(key)} was called, but only a stand-in is installed ` +
          "(the registry lacks the real package). Rest-level-client generation is not supported here.",
      );
    },
  },
);
