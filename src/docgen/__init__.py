"""docgen: budget performance monitoring (预算绩效运行监控) kept as code."""

__version__ = "0.2.0"
