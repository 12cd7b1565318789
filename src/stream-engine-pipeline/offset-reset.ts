/**
 * Where an object engine's consumer starts on a partition its group has no usable committed
 * offset for: one it never committed, or one whose committed offset retention has deleted. The
 * engine gets it as ENGINE_OFFSET_RESET (the engine contract) and the lag scaler counts the same,
 * so the lag it scales on is the work the engine will do.
 */
export enum OffsetReset {
  /** Read what the partition still holds: its retained records count as lag. */
  EARLIEST = 'earliest',
  /** Read only what arrives from now on: the retained records are skipped and never count. */
  LATEST = 'latest',
}
