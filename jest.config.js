/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/test"],
  testMatch: ["**/*.test.ts"],
  transform: {
    "^.+\\.(t|j)sx?$|^.+\\.mjs$": ["@swc/jest", { jsc: { target: "es2022", parser: { syntax: "typescript" } }, module: { type: "commonjs" } }],
  },
  // Sources import siblings as "./x.js" (ES module style); map them to the .ts files.
  moduleNameMapper: {
    "^arm-managed-identity$": "<rootDir>/src/index.ts",
    "^arm-managed-identity/emulator$": "<rootDir>/src/emulator/index.ts",
    "^arm-managed-identity/(20.*)$": "<rootDir>/src/generated/$1/index.ts",
    "^(\\.{1,2}/.*)\\.js$": "$1",
  },
  // msw's dependencies include packages shipped only as ES modules.
  transformIgnorePatterns: ["/node_modules/(?!(rettime|until-async|@msw|@mswjs|headers-polyfill|outvariant|strict-event-emitter|@open-draft)/)"],
  testTimeout: 30000,
};
