"""Gathering the platforms' metrics: the collector, the batch write of snapshots and rollups, partitions."""
