/**
 * Where the samples run, from a few environment variables:
 *
 * - `ARM_MANAGED_IDENTITY_ENDPOINT` set: the local emulator at that ARM endpoint, with managed
 *   identity through its token endpoint (`IDENTITY_ENDPOINT`, `IDENTITY_HEADER`) and its CA in
 *   `NODE_EXTRA_CA_CERTS`;
 * - otherwise `AZURE_SUBSCRIPTION_ID` set: Azure (public cloud) with `DefaultAzureCredential`;
 * - neither: the sample starts an embedded emulator and runs itself again against it.
 *
 * `AZURE_RESOURCE_GROUP` names the resource group the samples work in (default
 * `arm-managed-identity-samples`; on the emulator it is created when missing).
 */
import { spawn } from "node:child_process";
import type { TokenCredential } from "@azure/core-auth";
import { ServiceClient } from "@azure/core-client";
import { createHttpHeaders, createPipelineRequest, type PipelineResponse } from "@azure/core-rest-pipeline";
import { DefaultAzureCredential, ManagedIdentityCredential } from "@azure/identity";
import { KnownAzureClouds } from "arm-managed-identity";

/** The emulator's ARM endpoint, when the samples run on the emulator. */
export const armEndpoint: string | undefined = process.env.ARM_MANAGED_IDENTITY_ENDPOINT || undefined;

/** True when the samples run on the emulator. */
export const onEmulator = armEndpoint !== undefined;

/** The resource group the samples work in. */
export const resourceGroup = process.env.AZURE_RESOURCE_GROUP || "arm-managed-identity-samples";

/** The Resource Manager endpoint the samples call: the emulator's, or the public cloud's. */
export const resourceManagerEndpoint = armEndpoint ?? KnownAzureClouds.AzurePublicCloud.resourceManagerEndpoint;

/** Token scope of {@link resourceManagerEndpoint}. */
export const resourceManagerScope = armEndpoint ? `${armEndpoint}/.default` : KnownAzureClouds.AzurePublicCloud.credentialScope;

/** The subscription the samples work in. */
export function subscriptionId(): string {
  const id = process.env.AZURE_SUBSCRIPTION_ID;
  if (!id) {
    throw new Error(
      "AZURE_SUBSCRIPTION_ID is not set. On the emulator, set it to the subscription the emulator printed; on Azure, to your subscription id.",
    );
  }
  return id;
}

/** The Resource Manager credential: managed identity on the emulator, `DefaultAzureCredential` on Azure. */
export function armCredential(): TokenCredential {
  return onEmulator ? new ManagedIdentityCredential() : new DefaultAzureCredential();
}

/** Calls the emulator's control API (`/_emulator/...`, no token needed). */
export async function emulatorControl(method: "GET" | "POST" | "PUT" | "DELETE", path: string, body?: unknown): Promise<unknown> {
  if (!armEndpoint) throw new Error("The emulator's control API is only there when ARM_MANAGED_IDENTITY_ENDPOINT is set.");
  const response = await fetch(`${armEndpoint}/_emulator/${path}`, {
    method,
    headers: body === undefined ? undefined : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`Emulator control ${method} /_emulator/${path} answered ${response.status}: ${text}`);
  return text ? JSON.parse(text) : undefined;
}

/**
 * Sends one Resource Manager request with a bearer token: for the few calls outside
 * Microsoft.ManagedIdentity the samples need (subscriptions, resource groups).
 */
async function armRequest(
  credential: TokenCredential,
  method: "GET" | "PUT",
  path: string,
  apiVersion: string,
  body?: unknown,
): Promise<PipelineResponse> {
  const client = new ServiceClient({ credential, credentialScopes: [resourceManagerScope], endpoint: resourceManagerEndpoint });
  return client.sendRequest(
    createPipelineRequest({
      url: `${resourceManagerEndpoint}${path}?api-version=${apiVersion}`,
      method,
      headers: createHttpHeaders(body === undefined ? {} : { "content-type": "application/json" }),
      body: body === undefined ? undefined : JSON.stringify(body),
    }),
  );
}

/**
 * Makes sure {@link resourceGroup} exists: on the emulator it is created when missing; on Azure a
 * missing group is an error that says how to create it. Returns true when it was created.
 */
export async function ensureResourceGroup(credential: TokenCredential): Promise<boolean> {
  const path = `/subscriptions/${subscriptionId()}/resourcegroups/${resourceGroup}`;
  const found = await armRequest(credential, "GET", path, "2021-04-01");
  if (found.status === 200) return false;
  if (found.status !== 404) throw new Error(`Reading resource group ${resourceGroup} answered ${found.status}: ${found.bodyAsText ?? ""}`);
  if (!onEmulator) {
    throw new Error(
      `Resource group '${resourceGroup}' does not exist in subscription ${subscriptionId()}: create it (az group create -n ${resourceGroup} -l westus) or set AZURE_RESOURCE_GROUP.`,
    );
  }
  const created = await armRequest(credential, "PUT", path, "2021-04-01", { location: "westus" });
  if (created.status !== 200 && created.status !== 201) {
    throw new Error(`Creating resource group ${resourceGroup} answered ${created.status}: ${created.bodyAsText ?? ""}`);
  }
  console.log(`resource group ${resourceGroup}: created on the emulator`);
  return true;
}

/** The claims of a JWT, decoded without checking its signature (for display only). */
export function decodeJwtClaims(token: string): Record<string, unknown> {
  const payload = token.split(".")[1] ?? "";
  return JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as Record<string, unknown>;
}

function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const extra = error as Error & { statusCode?: number; code?: string };
  const status = extra.statusCode !== undefined ? ` (HTTP ${extra.statusCode}${extra.code ? `, ${extra.code}` : ""})` : "";
  return `${error.name}${status}: ${error.message}`;
}

/** Starts an embedded emulator and runs this same script again against it, as a child process. */
async function rerunOnEmbeddedEmulator(): Promise<void> {
  const { startEmulator } = await import("arm-managed-identity/emulator");
  const emulator = await startEmulator();
  console.log(`No ARM_MANAGED_IDENTITY_ENDPOINT or AZURE_SUBSCRIPTION_ID: running on an embedded emulator at ${emulator.endpoint}.`);
  const child = spawn(process.execPath, [...process.execArgv, ...process.argv.slice(1)], {
    stdio: "inherit",
    env: { ...process.env, ...emulator.env, ARM_MANAGED_IDENTITY_ENDPOINT: emulator.endpoint },
  });
  const forward = (signal: NodeJS.Signals): void => {
    child.kill(signal);
  };
  process.on("SIGINT", forward);
  process.on("SIGTERM", forward);
  const code = await new Promise<number>((resolve) => {
    child.on("error", (error) => {
      console.error(`Could not start the sample: ${error.message}`);
      resolve(1);
    });
    child.on("close", (status, signal) => resolve(status ?? (signal ? 1 : 0)));
  });
  await emulator.stop();
  process.exitCode = code;
}

/**
 * Runs a sample's `main`: on the configured target, or on an embedded emulator when none is
 * configured. A failure prints its reason and sets exit code 1.
 */
export function runSample(main: () => Promise<void>): void {
  const run = !process.env.ARM_MANAGED_IDENTITY_ENDPOINT && !process.env.AZURE_SUBSCRIPTION_ID ? rerunOnEmbeddedEmulator() : main();
  run.catch((error: unknown) => {
    console.error(`Sample failed: ${describeError(error)}`);
    process.exitCode = 1;
  });
}
