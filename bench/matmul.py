"""Dense matmul speed of this machine, float32 and bfloat16: the ceiling for training and the reason the precision
policy (00a_machine) picks float32 on CPUs without native bf16. Not a test. Median GFLOP/s of `--reps` n x n matmuls and the bf16/fp32 ratio;
bf16 is measured at a smaller size when `--bf16_n` says so, since an emulated bf16 matmul of 2048 takes about a minute.

    PYTHONPATH=. python bench/matmul.py [--n 2048] [--bf16_n 512] [--reps 5]
"""
import argparse, json, platform, statistics, time
import torch

def gflops(n:int, dtype, reps:int) -> float:
    "Median GFLOP/s (wall) of an n x n matmul in `dtype`, after one warm-up."
    a, b = torch.randn(n, n, dtype=dtype), torch.randn(n, n, dtype=dtype)
    a @ b
    ts = []
    for _ in range(reps):
        t = time.perf_counter(); a @ b; ts.append(time.perf_counter() - t)
    return round(2 * n**3 / statistics.median(ts) / 1e9, 2)

if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--n', type=int, default=2048); ap.add_argument('--bf16_n', type=int, default=0); ap.add_argument('--reps', type=int, default=5)
    a = ap.parse_args()
    fp32, bf16 = gflops(a.n, torch.float32, a.reps), gflops(a.bf16_n or a.n, torch.bfloat16, a.reps)
    print(json.dumps(dict(cpu=platform.processor() or platform.machine(), threads=torch.get_num_threads(),
                          native_bf16=torch.ops.mkldnn._is_mkldnn_bf16_supported(), n=a.n, fp32_gflops=fp32,
                          bf16_n=a.bf16_n or a.n, bf16_gflops=bf16, bf16_over_fp32=round(bf16 / fp32, 4))))
