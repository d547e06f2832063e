"""Write README.md from nbs/index.ipynb (nbdev_readme needs quarto, which is not installable everywhere)."""
import json
from pathlib import Path

root = Path(__file__).resolve().parent.parent
nb = json.loads((root/'nbs'/'index.ipynb').read_text())

def cell_md(c):
    src = ''.join(c['source']).strip()
    if c['cell_type'] == 'markdown': return src
    if src.startswith('#| hide') or '#| hide' in src.splitlines()[:3]: return ''
    code = '\n'.join(l for l in src.splitlines() if not l.startswith('#|'))
    return f'```python\n{code}\n```' if code.strip() else ''

def join_code(blocks):
    "Consecutive code blocks as one (an import cell and the cell that uses it read as one example)."
    res = []
    for b in blocks:
        if res and b.startswith('```python\n') and res[-1].startswith('```python\n'): res[-1] = res[-1][:-len('\n```')] + b[len('```python'):]
        else: res.append(b)
    return res

body = '\n\n'.join(join_code([s for s in map(cell_md, nb['cells']) if s]))
head = '<!-- WARNING: generated from nbs/index.ipynb by tools/make_readme.py; edit the notebook, not this file. -->\n\n'
(root/'README.md').write_text(head + body + '\n')
