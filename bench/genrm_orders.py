"""Does the sample GenRM judge the stories or a position? Trains the `sample` preset's GenRM (overrides as JSON) on the
sample rationales and judges the sample test set in both orders, with and without the position calibration.

    python bench/genrm_orders.py OUT [--set '{"freeze_layers": 6}'] [--unpaired] [--precision bf16] [--adam_beta2 0.95] [--ema 0.9]

Prints one JSON line (also appended to OUT/../genrm_orders.jsonl): training time and steps, validation loss, accuracy of
the combined verdict, order agreement and accuracy by the chosen story's position, raw and calibrated, and the bias.
`--unpaired` trains as before PairedOrders (plain SFTTrainer rows, length-grouped), for comparison; `--adam_beta2` overrides
AdamW's second-moment decay (default 0.999) and `--ema D` keeps a moving average of the trained weights (decay D per step): experiments `train_genrm` has no option for (07_genrm; the
`--consistency W` penalty of its seed table is in this file at commit e077426). `--data DIR` reads the sample data from DIR."""
import argparse, json, time
from pathlib import Path
import numpy as np
from litbench.core import get_preset
from litbench.data import make_sample
from litbench.tables import load_test_pairs
from litbench.sft_data import CompletionHeadMixin
import litbench.genrm as G
from litbench.judge import GenRM, verdict_metrics

ap = argparse.ArgumentParser()
ap.add_argument('out'); ap.add_argument('--set', default='{}'); ap.add_argument('--unpaired', action='store_true')
ap.add_argument('--precision', default='auto'); ap.add_argument('--data', default=''); ap.add_argument('--adam_beta2', type=float, default=0.)
ap.add_argument('--ema', type=float, default=0.)
a = ap.parse_args()
out = Path(a.out); data = Path(a.data) if a.data else out.parent/'data'
if not (data/'rationales.jsonl').exists(): make_sample(data, n_train=400, n_test=120, n_rationales=400, seed=0)
if a.unpaired:
    from trl import SFTTrainer
    G.trainer_class = lambda packing, paired: type('GenRMTrainer', (CompletionHeadMixin, SFTTrainer), {})
if a.adam_beta2:
    _sft_config = G.sft_config
    def _beta2(*args, **kw):
        c = _sft_config(*args, **kw); c.adam_beta2 = a.adam_beta2; return c
    G.sft_config = _beta2
if a.ema:  # experiment: train, then keep an exponential moving average of the trainable weights (decay a.ema per step)
    import torch
    from transformers import TrainerCallback
    class EMA(TrainerCallback):
        shadow = None
        def on_step_end(self, args, state, control, model=None, **kw):
            ps = [p.detach() for p in model.parameters() if p.requires_grad]
            with torch.no_grad():
                if self.shadow is None: self.shadow = [p.clone() for p in ps]
                else: torch._foreach_lerp_(self.shadow, ps, 1 - a.ema)
        def on_train_end(self, args, state, control, model=None, **kw):
            with torch.no_grad():
                for p, s in zip([p for p in model.parameters() if p.requires_grad], self.shadow): p.copy_(s)
    _tc_ema = G.trainer_class
    def _with_ema(packing, paired):
        base = _tc_ema(packing, paired)
        def __init__(self, *args, **kw): base.__init__(self, *args, **kw); self.add_callback(EMA())
        return type('GenRMTrainer', (base,), {'__init__': __init__})
    G.trainer_class = _with_ema
kw = dict(get_preset('sample')['genrm'], dataset_name=str(data/'rationales.jsonl'), output_dir=str(out), precision=a.precision, **json.loads(a.set))
t0 = time.time(); m = G.train_genrm(**kw); train_s = time.time() - t0
test, _ = load_test_pairs(str(data/'reference_rehydrated.csv'), verbose=False)
swap = np.random.default_rng(0).random(len(test)) < .5  # the chosen story shown first or second at random
A = list(np.where(swap, test.rejected_story, test.chosen_story)); B = list(np.where(swap, test.chosen_story, test.rejected_story))
lab = list(np.where(swap, 'B', 'A'))
rm = GenRM.from_pretrained(str(out), precision=a.precision)
keys = ('accuracy', 'accuracy_ab', 'order_agreement', 'accuracy_chosen_first', 'accuracy_chosen_second')
res = {}
for name, bias in (('calibrated', rm.position_bias), ('raw', 0.0)):
    rm.position_bias = bias; t1 = time.time()
    vm = verdict_metrics(rm.judge(A, B, both_orders=True, batch_size=8), lab)
    res[name] = {k: round(vm[k], 3) for k in keys}; res[name]['pairs_per_s'] = round(len(A) / (time.time() - t1), 2)
r = dict(run=out.name, settings=json.loads(a.set), ema=a.ema, paired=not a.unpaired, adam_beta2=a.adam_beta2 or 0.999, precision=m['precision']['name'], steps=m['global_step'],
         train_s=round(train_s, 1), val_loss=round(m['val_loss'], 4), position_bias=m.get('position_bias'), n_test=len(A), **res)
print(json.dumps(r)); open(out.parent/'genrm_orders.jsonl', 'a').write(json.dumps(r) + '\n')
