"""Packed training equals the padded path on the real TRL data: BT rewards and loss through `RewardTrainer`'s own
collator and `compute_loss`, GenRM's completion-only loss through `SFTTrainer`'s tokenized rows and collator
(float32, CPU, uneven lengths)."""
import warnings
from pathlib import Path
import pytest
import torch
from litbench.core import plan_batches
from litbench.machine import choose_precision
from litbench.data import sample_train, sample_rationales
from litbench.models import load_base_model
from litbench.packrows import bt_collate, sft_collate, packed_rewards, packed_sft_loss_sum, plan_packing
from litbench.packing import item_costs

warnings.filterwarnings('ignore')


def test_bt_packed_equals_reward_trainer(tmp_path):
    from litbench.bt import BTTrainer, bt_config, pair_dataset
    from litbench.scoring import InputFormat
    model, tok = load_base_model('tiny-random', 'reward', dtype=torch.float32, attn_implementation='sdpa')
    df = sample_train(12, seed=3)
    ds, _ = pair_dataset(tok, df, InputFormat(96))
    lens = [len(c) + len(r) for c, r in zip(ds['chosen_ids'], ds['rejected_ids'])]
    assert max(lens) - min(lens) > 20  # uneven
    args = bt_config(tmp_path, plan_batches(12, 12, 1), 1, 1e-3, 1, 1, 'none', 0, False, False, choose_precision('fp32'))
    tr = BTTrainer(model=model, args=args, train_dataset=ds, processing_class=tok)
    rows = [ds[i] for i in range(12)]
    batch = tr.data_collator(rows)
    batch.pop('length', None)
    with torch.no_grad():
        ref_loss, out = tr.compute_loss(model, dict(batch), return_outputs=True)
        c, r = packed_rewards(model, bt_collate(rows, tok.pad_token_id, pad_to=64))
    ref = out.logits[:, 0]
    assert torch.allclose(torch.cat([c, r]), ref, atol=2e-5), (torch.cat([c, r]) - ref).abs().max()
    assert abs(-torch.nn.functional.logsigmoid(c - r).mean().item() - ref_loss.item()) < 1e-6


def test_sft_packed_equals_sft_trainer(tmp_path):
    from trl import SFTTrainer
    from datasets import Dataset
    from litbench.sft_data import sft_rows, sft_config
    model, tok = load_base_model('tiny-random', 'causal', dtype=torch.float32, padding_side='right', attn_implementation='sdpa')
    rows, _, _ = sft_rows(tok, sample_rationales(6, seed=2), 320, use_cot=True)
    args = sft_config(tmp_path, plan_batches(6, 6, 1), 1, 1e-3, 320, 1, 1, 'none', 0, choose_precision('fp32'))
    tr = SFTTrainer(model=model, args=args, train_dataset=Dataset.from_list(rows), processing_class=tok)
    ex = [tr.train_dataset[i] for i in range(len(tr.train_dataset))]
    assert len({len(e['input_ids']) for e in ex}) > 1  # uneven
    costs, units = item_costs(tr.train_dataset, 'sft')
    batch = tr.data_collator(ex)
    assert units and sum(units) == int((batch['labels'][:, 1:] != -100).sum())  # the same loss tokens, counted from TRL's rows
    with torch.no_grad():
        ref = model(**{k: v for k, v in batch.items() if k in ('input_ids', 'attention_mask', 'labels')}).loss
        s, n = packed_sft_loss_sum(model, sft_collate(ex, tok.pad_token_id, pad_to=32))
    assert n == sum(units)
    assert abs((s / n).item() - ref.item()) < 2e-5, ((s / n).item(), ref.item())


def test_token_budget_keeps_effective_batch():
    import random
    costs = [random.Random(i).randint(200, 4096) for i in range(300)]
    p = plan_packing(costs, effective=32, max_tokens=16384, n_ranks=4, epochs=1, seed=1)
    ep = p.epochs[0]
    per_step = p.grad_accum * 4
    assert len(ep) == p.steps_per_epoch * per_step
    for s in range(p.steps_per_epoch):
        st = ep[s*per_step:(s+1)*per_step]
        assert sum(len(b) for b, _ in st) == 32
        assert [sum(len(b) for b, _ in st[r::4]) for r in range(4)] == [8] * 4
        assert all(sum(costs[i] for i in b) <= 16384 for b, _ in st)
