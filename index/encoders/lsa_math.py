"""Small pure functions of the built-in encoder's linear algebra: randomized SVD and row normalization."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

__all__ = ["l2_normalize_rows", "randomized_svd"]


def randomized_svd(
    matrix: sp.csr_matrix,
    rank: int,
    *,
    oversamples: int = 10,
    power_iterations: int = 4,
    seed: int = 0,
) -> tuple[npt.NDArray[np.float32], npt.NDArray[np.float32]]:
    """Top-``rank`` singular values and right singular vectors of a sparse (documents × features) matrix.

    Subspace iteration (Halko et al. 2011) on the document side: the basis that gets orthonormalized has
    one row per document, never one per feature, so the cost stays modest for large vocabularies; the
    small eigenproblem at the end runs in float64 (large arrays stay float32). Signs are fixed (largest entry of each component
    positive) so results are deterministic.

    Returns:
        (singular values, shape (r,); components, shape (r, n_features)), float32, with
        ``r = min(rank, n_documents, n_features)``.
    """
    n_rows, n_cols = matrix.shape
    rank = max(1, min(rank, n_rows, n_cols))
    size = min(rank + oversamples, n_rows, n_cols)
    transposed = matrix.T.tocsr()
    rng = np.random.default_rng(seed)
    basis, _ = np.linalg.qr(rng.standard_normal((n_rows, size)).astype(np.float32))
    for _ in range(power_iterations + 1):
        basis, _ = np.linalg.qr(np.asarray(matrix @ np.asarray(transposed @ basis)))
    projected = np.asarray(transposed @ basis, dtype=np.float32)  # (n_features, size) = matrix.T @ basis
    gram = (projected.T @ projected).astype(np.float64)  # basis.T @ M @ M.T @ basis, (size, size)
    eigenvalues, eigenvectors = np.linalg.eigh(gram)
    order = np.argsort(eigenvalues)[::-1][:rank]
    values = np.sqrt(np.clip(eigenvalues[order], 0.0, None))
    safe = np.where(values > 0, values, 1.0)
    # Right singular vectors, (rank, n_features).
    components = (projected @ eigenvectors[:, order].astype(np.float32) / safe.astype(np.float32)).T
    components[values <= 0] = 0.0
    pivots = np.argmax(np.abs(components), axis=1)
    signs = np.sign(components[np.arange(len(pivots)), pivots])
    signs[signs == 0] = 1.0
    components *= signs[:, None]
    return values.astype(np.float32), components.astype(np.float32)


def l2_normalize_rows(vectors: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
    """Rows scaled to unit length; all-zero rows (no known feature) stay zero."""
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    norms[norms == 0.0] = 1.0
    return np.ascontiguousarray(vectors / norms, dtype=np.float32)
