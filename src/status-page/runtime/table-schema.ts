/**
 * The key schema of the status table. The construct creates tables with it and checks that
 * a table brought by the user declares the same keys; the runtime reads and writes with it.
 */
export const TABLE_PARTITION_KEY = 'pk';
export const TABLE_SORT_KEY = 'sk';
/** Epoch seconds; DynamoDB TTL deletes expired rollups and events. */
export const TABLE_TTL_ATTRIBUTE = 'expiresAt';
