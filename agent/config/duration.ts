/** Durations in the config; they live in core/config/duration.ts (component schemas use them too). */
export { DURATION_HINT, DURATION_PATTERN, formatDuration, parseDuration } from "../../core/config/duration.ts";
