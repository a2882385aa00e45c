/** The piece of `agent config example` a component contributes. */

/** One entry of the example config: the YAML lines under `sinks:`/`sources:` and whether they are on. */
export interface ExampleBlock {
  /** Indented by two spaces, comment lines first; `${VAR}` written as in the YAML. */
  yaml: string;
  /** Shown uncommented in `agent config example` (only components that need no service are). */
  enabled: boolean;
}
