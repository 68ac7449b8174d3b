"""Clustering: find the groups in a table with no target (ProblemType.CLUSTERING).

The same search, executors and events as supervised jobs; what differs lives here. `model.ClusterModel` wraps a
clusterer with an optional PCA and the assigner that gives new rows a cluster; `validity` scores a labelling (the
search's objective); `trial` evaluates one configuration; `final` refits the winner and writes the package with
`report` (profiles, names, projection, silhouettes, elbow) and `stability`. The algorithms are in
engine/algorithms/clustering, registered like every other algorithm.
"""
