"""The built-in clustering algorithms (ProblemType.CLUSTERING), listed in `flowml.engine.algorithms`."""
