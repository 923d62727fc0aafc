// Errors a user can act on: they name the file or option and the problem, in one line.

/** Bad input file: unreadable, truncated, garbled or unsupported. */
export class InputError extends Error {
  constructor(
    readonly file: string,
    problem: string,
  ) {
    super(`${file}: ${problem}`);
    this.name = 'InputError';
  }
}

/** Wrong, missing or inconsistent option on a command or API call. */
export class OptionError extends Error {
  constructor(
    readonly option: string,
    problem: string,
  ) {
    super(`${option}: ${problem}`);
    this.name = 'OptionError';
  }
}

/** An output that cannot be written (full disk, read-only or missing folder, no permission). */
export class OutputError extends Error {
  constructor(
    readonly file: string,
    problem: string,
    /** The system error code (ENOSPC, EROFS, ...), when there was one. */
    readonly code?: string,
  ) {
    super(`${file}: ${problem}`);
    this.name = 'OutputError';
  }
}
