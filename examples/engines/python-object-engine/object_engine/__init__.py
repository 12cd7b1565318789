"""A StreamEnginePipeline object engine: a service scaled by consumer lag; run it with `python -m object_engine`."""
