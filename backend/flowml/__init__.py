"""FlowML Studio: self-hosted, privacy-first AutoML."""

__version__ = "0.1.0"
