"""Running report notebooks: the report catalog, parameters, cache, kernels, worker processes, the engine."""
