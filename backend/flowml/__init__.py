"""FlowML Studio: self-hosted, privacy-first AutoML.

`from flowml import AutoML` (a scikit-learn estimator) and `from flowml import Client` (a server's REST API) are
imported on first use, so `import flowml` (and with it the `flowml` command) stays light.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from flowml.automl import AutoML
    from flowml.client import Client

__all__ = ["AutoML", "Client", "__version__"]

_LAZY = {"AutoML": "flowml.automl", "Client": "flowml.client"}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'flowml' has no attribute {name!r}")
    from importlib import import_module

    value = getattr(import_module(module), name)
    globals()[name] = value  # later lookups skip this function
    return value
