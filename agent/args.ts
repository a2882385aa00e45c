/** Options every command accepts (declared once on the root parser). */
export interface GlobalArgs {
  /** Print stack traces on errors. */
  debug: boolean;
}
