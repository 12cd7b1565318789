"""A StreamEnginePipeline stream engine: one task per stream; run it with `python -m stream_engine`."""
