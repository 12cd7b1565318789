/**
 * The registry table of a pipeline: stream records (one per stream and stream engine) and the
 * lag scaler's memory (when each engine last wanted more or fewer tasks).
 *
 * | item              | pk                    | sk                 |
 * |-------------------|-----------------------|--------------------|
 * | stream claim      | `stream#<streamId>`   | `stream`           |
 * | stream x engine   | `stream#<streamId>`   | `engine#<name>`    |
 * | active count      | `streams`             | `active`           |
 * | scaler state      | `scaler`              | `engine#<name>`    |
 */
export const REGISTRY_PARTITION_KEY = 'pk';
export const REGISTRY_SORT_KEY = 'sk';
/** Epoch seconds: finished stream records expire. */
export const REGISTRY_TTL_ATTRIBUTE = 'expiresAt';
