#!/usr/bin/env node
// Placeholder until the emulator and samples exist: says what `npm run demo` will run.
console.log("arm-managed-identity demo");
console.log("The demo will start the local Microsoft.ManagedIdentity emulator over HTTPS and run the");
console.log("quickstart sample against it with a managed-identity credential. It is not built yet.");
