/**
 * On-call as code: a folder of YAML declaring users, teams, schedules, escalation policies
 * and services, validated as a whole and reconciled into MongoDB. See config/README.md.
 */
export { applyConfigFolder, type ApplyOptions } from './apply';
export {
  planReconcile,
  isNoop,
  type CurrentDoc,
  type CurrentDocs,
  type KindPlan,
  type PlanOptions,
  type ReconcilePlan,
} from './plan';
export {
  FILE_KEYS,
  KIND_ORDER,
  formatIssue,
  type ApplyReport,
  type ConfigChanges,
  type ConfigIssue,
  type FolderEntities,
  type KindChanges,
} from './types';
export { loadConfigFolder, type LoadOptions, type LoadResult } from './validate';
