// Writes sample/streams.jsonl, the sample the local pipeline replays: three cameras that start 3 s
// apart, each a 40-second stream with a stream-data piece every 500 ms (80 pieces of "audio"
// bytes, for the stream engine) and a frame every 400 ms (100 tiny JPEG-like media chunks, for the
// object engine), between its stream-init and its end-of-stream (sent to the control and the raw
// streams topics). Run it again after changing it:
//   npx ts-node -T --project test/tsconfig.json examples/local-pipeline/sample/make-sample.ts
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { EndOfStreamMessage, MediaChunkMessage, StreamDataMessage, StreamInitMessage } from '../../../src/stream-engine-pipeline/messages';
import type { SampleRecord } from '../sample-replay';

const CAMERAS = ['cam-1', 'cam-2', 'cam-3'];
const STREAM_START_SPACING_MS = 3_000;
const STREAM_LENGTH_MS = 40_000;
const PIECE_EVERY_MS = 500;
const FRAME_EVERY_MS = 400;
/** The recording's wall clock: the replay sends the messages as they were recorded. */
const RECORDED_AT = Date.parse('2026-03-10T08:00:00Z');

/** A few bytes that look like a JPEG: start of image, a JFIF header, a comment naming the frame, end of image. */
function frame(streamId: string, seq: number): string {
  const comment = Buffer.from(`${streamId} frame ${seq}`);
  const length = Buffer.alloc(2);
  length.writeUInt16BE(comment.length + 2);
  return Buffer.concat([
    Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00]),
    Buffer.from([0xff, 0xfe]), length, comment,
    Buffer.from([0xff, 0xd9]),
  ]).toString('base64');
}

const records: SampleRecord[] = [];
CAMERAS.forEach((streamId, index) => {
  const start = index * STREAM_START_SPACING_MS;
  const iso = (atMs: number) => new Date(RECORDED_AT + atMs).toISOString();
  const init: StreamInitMessage = {
    type: 'stream-init', version: 1, streamId, createdAt: iso(start), source: { kind: 'push' }, mediaType: 'video/mjpeg', metadata: { camera: `lobby ${index + 1}` },
  };
  records.push({ atMs: start, topic: 'control', message: init });
  for (let seq = 0; seq * PIECE_EVERY_MS < STREAM_LENGTH_MS; seq++) {
    const piece: StreamDataMessage = {
      type: 'stream-data',
      version: 1,
      streamId,
      seq,
      offsetMs: seq * PIECE_EVERY_MS,
      data: createHash('sha256').update(`${streamId}/${seq}`).digest().toString('base64'),
    };
    records.push({ atMs: start + seq * PIECE_EVERY_MS + 1, topic: 'raw-streams', message: piece });
  }
  for (let seq = 0; seq * FRAME_EVERY_MS < STREAM_LENGTH_MS; seq++) {
    const chunk: MediaChunkMessage = {
      type: 'media-chunk',
      version: 1,
      streamId,
      chunkId: `${streamId}-frame-${String(seq).padStart(3, '0')}`,
      seq,
      startOffsetMs: seq * FRAME_EVERY_MS,
      endOffsetMs: (seq + 1) * FRAME_EVERY_MS,
      mimeType: 'image/jpeg',
      data: frame(streamId, seq),
    };
    records.push({ atMs: start + seq * FRAME_EVERY_MS + 2, topic: 'objects', message: chunk });
  }
  const end: EndOfStreamMessage = {
    type: 'end-of-stream', version: 1, streamId, lastSeq: STREAM_LENGTH_MS / PIECE_EVERY_MS - 1, at: iso(start + STREAM_LENGTH_MS), reason: 'completed',
  };
  // the Coordinator reads it on the control topic, the stream engine on the raw streams topic;
  // the control topic's first, so that the Coordinator knows the stream ended before its engine exits
  records.push({ atMs: start + STREAM_LENGTH_MS, topic: 'control', message: end });
  records.push({ atMs: start + STREAM_LENGTH_MS + 1, topic: 'raw-streams', message: end });
});
records.sort((a, b) => a.atMs - b.atMs);

const file = path.join(__dirname, 'streams.jsonl');
fs.writeFileSync(file, records.map((r) => JSON.stringify(r)).join('\n') + '\n');
console.log(`wrote ${records.length} records to ${file}`);
