"""Confident learning beyond one machine's memory: row-chunked inputs and Dask clusters.

``fastclean.find_label_issues`` (and the other functions that read pred_probs) send a
``dask.array``, a ``zarr`` array or a path to a ``.npy`` file / ``.zarr`` store here; the answer
is exactly the in-memory one. Importing this package imports neither dask nor zarr.
"""
