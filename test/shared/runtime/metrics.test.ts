import { MetricUnit, publishMetrics } from '../../../src/shared/runtime/metrics';

test('one EMF document with exactly the given namespace, dimensions, metrics, timestamp and properties', () => {
  const lines: string[] = [];
  publishMetrics({
    namespace: 'CdkStatusAndStreams/Test',
    dimensions: { Pipeline: 'media', Engine: 'faces' },
    metrics: [{ name: 'ConsumerLag', value: 42 }, { name: 'RunMs', value: 12.5, unit: MetricUnit.Milliseconds }],
    timestamp: new Date('2026-12-01T10:00:00Z'),
    properties: { reason: 'lag above threshold', polls: 3 },
  }, (line) => lines.push(line));
  expect(lines).toHaveLength(1);
  expect(JSON.parse(lines[0])).toEqual({
    _aws: {
      Timestamp: Date.parse('2026-12-01T10:00:00Z'),
      CloudWatchMetrics: [{
        Namespace: 'CdkStatusAndStreams/Test',
        // no `service` dimension: the constructs' alarms name every dimension of a metric
        Dimensions: [['Pipeline', 'Engine']],
        Metrics: [{ Name: 'ConsumerLag', Unit: 'Count' }, { Name: 'RunMs', Unit: 'Milliseconds' }],
      }],
    },
    Pipeline: 'media',
    Engine: 'faces',
    ConsumerLag: 42,
    RunMs: 12.5,
    reason: 'lag above threshold',
    polls: 3,
  });
});

test('without a sink the document goes to stdout as one line; no metrics, no document', () => {
  const written: string[] = [];
  const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: any) => {
    written.push(String(chunk));
    return true;
  });
  try {
    publishMetrics({ namespace: 'NS', dimensions: { StatusPage: 'a' }, metrics: [] });
    publishMetrics({ namespace: 'NS', dimensions: { StatusPage: 'a' }, metrics: [{ name: 'RunsRecorded', value: 1 }] });
  } finally {
    spy.mockRestore();
  }
  const documents = written.join('').trim().split('\n').map((l) => JSON.parse(l));
  expect(documents).toHaveLength(1);
  expect(documents[0]._aws.CloudWatchMetrics[0]).toEqual({ Namespace: 'NS', Dimensions: [['StatusPage']], Metrics: [{ Name: 'RunsRecorded', Unit: 'Count' }] });
  expect(documents[0].RunsRecorded).toBe(1);
});
