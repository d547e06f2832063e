"""Run a litbench stage module (or a script) under accelerate's FSDP2 in CPU processes:
`accelerate launch --config_file <fsdp yaml> tests/fsdp_cpu.py litbench.bt ...` (or `... tests/fsdp_cpu.py bench/gpu_paper.py ...`).

accelerate wraps a model in FSDP only on accelerators; on CPU processes it quietly runs DDP. This launcher marks the
state as FSDP where accelerate would have (and as it does on GPUs, in both shared states), so `Accelerator.prepare`
calls `fully_shard` over gloo and the stage trains, checkpoints and saves through the real FSDP2 code paths."""
import runpy, sys
import accelerate.state as S
from accelerate.utils import DistributedType

_init = S.AcceleratorState.__init__

def _fsdp_on_cpu(self, *args, fsdp_plugin=None, **kwargs):
    _init(self, *args, fsdp_plugin=fsdp_plugin, **kwargs)
    if fsdp_plugin is not None and self.distributed_type == DistributedType.MULTI_CPU:
        self.distributed_type, self.fsdp_plugin = DistributedType.FSDP, fsdp_plugin
        S.PartialState._shared_state['distributed_type'] = DistributedType.FSDP

S.AcceleratorState.__init__ = _fsdp_on_cpu

if __name__ == '__main__':
    target, sys.argv = sys.argv[1], sys.argv[1:]
    if target.endswith('.py'): runpy.run_path(target, run_name='__main__')
    else: runpy.run_module(target, run_name='__main__', alter_sys=True)
