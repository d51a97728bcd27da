// Errors a user can cause (bad files, wrong shapes, no WebGPU): their message is one sentence that names the fix.

/**
 * A problem with the user's input or environment, not a bug in spotify-mlp. The CLI prints only its message
 * and exits non-zero; the demo shows it on the page. Anything else that is thrown is our bug and keeps its stack.
 */
export class UserError extends Error {
  override name = 'UserError';
  /** Process exit code the CLI uses for this error. */
  readonly exitCode: number;

  constructor(message: string, options: { exitCode?: number; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.exitCode = options.exitCode ?? 1;
  }
}

/** True for errors whose message is meant for the user. */
export function isUserError(e: unknown): e is UserError {
  return e instanceof UserError;
}
