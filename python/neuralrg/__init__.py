"""Reading NeuralRG run directories from Python (NumPy only; pandas optional).

    import neuralrg
    run = neuralrg.read_run("runs/qs")           # pandas=True for DataFrames
    run.metrics.relative_error[-1]                # the last epoch's relative error
    run.observables["mean"]                       # item access: .mean is the array method
    flow = run.checkpoint()                       # flow.ckpt: epoch, seed, parameters
    cmp = neuralrg.read_comparison("runs/cmp")    # a pipeline with variants

The file formats are those of the C++ toolkit; see python/README.md.
"""

from .checkpoint import Checkpoint, read_checkpoint
from .comparison import Comparison, read_comparison
from .run import Run, read_run

__all__ = ["Checkpoint", "Comparison", "Run", "read_checkpoint", "read_comparison", "read_run"]
