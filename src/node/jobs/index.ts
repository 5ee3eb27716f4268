/**
 * Batch jobs of `mpo gallery` and `mpo study bn`: run-folder states, a scheduler with one log
 * format and ETA, and fits in child processes (or in this process for one job at a time).
 */
export { handleInterrupts, reportError, type Interrupts } from './entry.js';
export { estimateRemaining, type EtaInput } from './eta.js';
export { defaultJobs, fitChildArgs, fitChildCommand, planFits, runFits, summaryText, type FitJob, type FitJobSpec, type FitJobsOptions } from './fit-jobs.js';
export { configChanges, EARLY_RUN_FILES, prepareRunFolder, readRunSummary, runFolderState, type RunFolderState } from './folder.js';
export { runJobs, type Job, type JobFailure, type JobsOptions, type JobsResult } from './queue.js';
