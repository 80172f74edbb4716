/**
 * ARM error envelope used by every failing emulator response.
 */

/** Body of an ARM error response: `{"error": {"code", "message", "target"?}}`. */
export interface ArmErrorBody {
  /** The error object. */
  error: { code: string; message: string; target?: string; details?: ArmErrorBody["error"][] };
}

/**
 * A failure the emulator answers with an ARM error envelope. Handlers throw it; the engine turns it
 * into the HTTP response, so no handler writes error bodies by hand.
 */
export class ArmError extends Error {
  /** HTTP status code of the response. */
  readonly status: number;
  /** ARM error code (PascalCase). */
  readonly code: string;
  /** Optional `target` naming the offending parameter. */
  readonly target?: string;
  /** Extra response headers (e.g. `Retry-After`, `WWW-Authenticate`). */
  readonly headers: Record<string, string>;

  constructor(status: number, code: string, message: string, options: { target?: string; headers?: Record<string, string> } = {}) {
    super(message);
    this.name = "ArmError";
    this.status = status;
    this.code = code;
    this.target = options.target;
    this.headers = options.headers ?? {};
  }

  /** The JSON envelope ARM sends for this error. */
  toBody(): ArmErrorBody {
    return { error: { code: this.code, message: this.message, ...(this.target ? { target: this.target } : {}) } };
  }
}

/** Quotes a user-supplied value for an error message, truncated so huge inputs do not echo back whole. */
export function quote(value: unknown): string {
  let text: string;
  try {
    text = typeof value === "string" ? value : JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return `'${text.length > 200 ? `${text.slice(0, 200)}…` : text}'`;
}
