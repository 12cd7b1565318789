/**
 * Read amplification: the stream shares its partition with other streams, so the engine reads
 * their records too and skips them. Logged at exit: records and bytes (key + value) read, and how
 * many of them were this stream's.
 */
import type { SourceRecord } from './dead-letter.js';

export class ReadStats {
  private records = 0;
  private bytes = 0;
  private ownRecords = 0;
  private ownBytes = 0;

  count(record: SourceRecord, own: boolean): void {
    const size = (record.key?.length ?? 0) + (record.value?.length ?? 0);
    this.records++;
    this.bytes += size;
    if (own) {
      this.ownRecords++;
      this.ownBytes += size;
    }
  }

  summary(): Record<string, number> {
    const ratio = (all: number, own: number) => (own === 0 ? 0 : Math.round((all / own) * 100) / 100);
    return {
      recordsRead: this.records,
      bytesRead: this.bytes,
      streamRecords: this.ownRecords,
      streamBytes: this.ownBytes,
      recordAmplification: ratio(this.records, this.ownRecords),
      byteAmplification: ratio(this.bytes, this.ownBytes),
    };
  }
}
