"""Looking values up by id, keeping their dtype."""

from __future__ import annotations

import numpy as np
import pandas as pd


def looked_up(keys: pd.Series, values: pd.Series) -> pd.Series:
    """``values[key]`` for each of `keys` (missing where the key is missing or not in `values`' index),
    in `values`' dtype, on `keys`' index. `values`' index must not repeat.

    Instead of ``keys.map(values)``, which goes through float when no key is found (an empty injury
    list, a kind without rows), and dates refuse that cast.
    """
    known = keys.notna().to_numpy()
    positions = np.full(len(keys), -1, dtype=np.intp)
    positions[known] = values.index.get_indexer(keys[known].to_numpy(dtype=np.int64))
    return pd.Series(values.array.take(positions, allow_fill=True), index=keys.index)
