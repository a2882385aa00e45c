/**
 * The pipeline (sources → scorer → buffer → sinks) and what it is made of; see README.md.
 * @module
 */
export { Pipeline, type PipelineStatus } from "./pipeline.ts";
export { StartError } from "./slots.ts";
export type { ModelHost, ModelWatcher, PipelineBufferConfig, PipelineOptions, PipelineTask, ReloadSpec, SinkSpec, SourcesSpec } from "./types.ts";
