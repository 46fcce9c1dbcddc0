"""bcikg: a regional industry-chain knowledge graph for the brain-computer-interface industry."""

__version__ = "0.1.0"
