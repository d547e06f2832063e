"""The notebooks open and run in JupyterLab, in a real browser, the way a user runs them.

JupyterLab serves copies of `nbs/index.ipynb` and one stage notebook (`nbs/01_data.ipynb`, default
parameters) on a free loopback port with a token and its own config/runtime/data dirs; headless
Chromium from the system's packages (/usr/bin/chromium, driven by selenium through
/usr/bin/chromedriver) opens each, clicks Run > Run All Cells, waits until every cell has run, and
checks that no cell raised and that a known output is there. A notebook that raises must be
reported as such (the check can fail). Screenshots go to the test's temporary directory.

Opt-in (about a minute, needs Chromium and the `lab` and `browser` extras): `make browser-test`,
or LITBENCH_BROWSER_TEST=1 pytest tests/test_browser.py.
"""
import json, os, re, secrets, shutil, socket, subprocess, sys, time, urllib.request
from pathlib import Path
import pytest

if not os.environ.get('LITBENCH_BROWSER_TEST'): pytest.skip('browser test: run `make browser-test`', allow_module_level=True)
webdriver = pytest.importorskip('selenium.webdriver', reason='pip install -e ".[lab,browser]"')
from selenium.webdriver.common.by import By

CHROMIUM, CHROMEDRIVER = Path('/usr/bin/chromium'), Path('/usr/bin/chromedriver')
FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
         '--disable-component-update', '--disable-sync', '--window-size=1400,1000']
NBS = Path(__file__).resolve().parent.parent/'nbs'
# Settings for this server only: every cell in the DOM (no windowing), no autosave, no news or update checks.
SETTINGS = {'notebook-extension/tracker': {'windowingMode': 'none'}, 'docmanager-extension/plugin': {'autosave': False},
            'apputils-extension/notification': {'fetchNews': 'false', 'checkForUpdates': False}}

def free_port() -> int:
    "A free TCP port on 127.0.0.1."
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0)); return s.getsockname()[1]

def write_settings(cfg:Path):
    "JupyterLab user settings under the config dir `cfg`."
    for name, v in SETTINGS.items():
        p = cfg/'lab'/'user-settings'/'@jupyterlab'/f'{name}.jupyterlab-settings'
        p.parent.mkdir(parents=True, exist_ok=True); p.write_text(json.dumps(v))

def wait_for(pred, timeout:float, what:str, every:float=0.25):
    "Poll `pred` until it returns something truthy; fail after `timeout` seconds, naming `what`."
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if (r := pred()): return r
        time.sleep(every)
    pytest.fail(f'timed out after {timeout:.0f} s waiting for {what}')

def _up(url:str, proc, log:Path) -> bool:
    if proc.poll() is not None: pytest.fail(f'jupyter lab exited with {proc.returncode}:\n' + ''.join(log.read_text().splitlines(True)[-10:]))
    try: return urllib.request.urlopen(url, timeout=2).status == 200
    except OSError: return False

@pytest.fixture(scope='module')
def lab(tmp_path_factory):
    "A JupyterLab server on 127.0.0.1 with token auth, serving a temp copy of the notebooks: (base url, token, root, tmp)."
    tmp = tmp_path_factory.mktemp('lab'); root = tmp/'nbs'; root.mkdir()
    for n in ('index.ipynb', '01_data.ipynb'): shutil.copy(NBS/n, root/n)
    env = dict(os.environ, JUPYTER_CONFIG_DIR=str(tmp/'config'), JUPYTER_RUNTIME_DIR=str(tmp/'runtime'),
               JUPYTER_DATA_DIR=str(tmp/'data'), JUPYTER_PLATFORM_DIRS='1', OMP_NUM_THREADS='1', TMPDIR=str(tmp/'kernel-tmp'))
    (tmp/'kernel-tmp').mkdir()
    write_settings(tmp/'config')
    port, token = free_port(), secrets.token_hex(16)
    log = open(tmp/'lab.log', 'w')
    proc = subprocess.Popen([sys.executable, '-m', 'jupyterlab', '--no-browser', '--ip=127.0.0.1', f'--port={port}',
                             '--ServerApp.port_retries=0', '--allow-root', f'--IdentityProvider.token={token}', f'--ServerApp.root_dir={root}'],
                            env=env, cwd=root, stdout=log, stderr=subprocess.STDOUT)
    base = f'http://127.0.0.1:{port}'
    try:
        wait_for(lambda: _up(f'{base}/api/status?token={token}', proc, tmp/'lab.log'), 60, f'jupyter lab at {base} (log {tmp/"lab.log"})')
        yield base, token, root, tmp
    finally:
        proc.terminate()
        try: proc.wait(20)
        except subprocess.TimeoutExpired: proc.kill()
        log.close()

@pytest.fixture(scope='module')
def browser(lab):
    "Headless Chromium from the system's packages, driven through its chromedriver."
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service
    for p in (CHROMIUM, CHROMEDRIVER):
        if not p.exists(): pytest.fail(f'{p} not found: apt-get install -y chromium chromium-driver')
    tmp = lab[3]
    opts = Options(); opts.binary_location = str(CHROMIUM)
    for f in FLAGS + [f'--user-data-dir={tmp/"chromium-profile"}']: opts.add_argument(f)
    os.environ['SE_OFFLINE'] = 'true'  # selenium-manager must never download a driver or a browser
    drv = webdriver.Chrome(options=opts, service=Service(str(CHROMEDRIVER), log_output=str(tmp/'chromedriver.log')))
    print(f"\nbrowser: {drv.capabilities['browserName']} {drv.capabilities['browserVersion']}, "
          f"chromedriver {drv.capabilities['chrome']['chromedriverVersion'].split()[0]}")
    yield drv
    drv.quit()
    shutil.rmtree(tmp/'chromium-profile', ignore_errors=True)  # 20 MB; the screenshots and logs stay

ACCEPT = '.jp-Dialog .jp-Dialog-button.jp-mod-accept'
SCROLL_JS = """
const o = Array.from(document.querySelectorAll('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-OutputArea-output')).find(o => o.textContent.includes(arguments[0]));
if (o) o.scrollIntoView({block: 'center'});
"""
CELLS_JS = """
const panel = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden)');
if (!panel) return null;
return Array.from(panel.querySelectorAll('.jp-CodeCell')).map(c => ({
  prompt: (c.querySelector('.jp-InputPrompt') || {textContent: ''}).textContent.trim(),
  outputs: Array.from(c.querySelectorAll('.jp-OutputArea-output')).map(o => [o.getAttribute('data-mime-type') || '', o.textContent])}));
"""

def cells(drv) -> list:
    "Prompt and outputs (mime type, text) of each code cell of the notebook on screen."
    return drv.execute_script(CELLS_JS) or []

def click_menu(drv, menu:str, item:str):
    "Click `item` in the main menu `menu`, as a user does."
    drv.find_element(By.XPATH, f"//li[contains(@class,'lm-MenuBar-item')][.//div[text()='{menu}']]").click()
    wait_for(lambda: [e for e in drv.find_elements(By.XPATH, f"//li[contains(@class,'lm-Menu-item')][.//div[text()='{item}']]")
                      if e.is_displayed()], 10, f'menu item {menu} > {item}')[0].click()

def kernel_state(lab, name:str) -> str:
    "Execution state of the kernel of notebook `name`, from the server's sessions ('' when it has none)."
    base, token = lab[:2]
    with urllib.request.urlopen(f'{base}/api/sessions?token={token}', timeout=5) as r: ss = json.load(r)
    return next((s['kernel']['execution_state'] for s in ss if s['path'] == name and s.get('kernel')), '')

def start_kernel(drv, lab, name:str):
    "Accept JupyterLab's Select Kernel dialog (the notebook's own kernel) if it asks; wait until the kernel is idle."
    first = wait_for(lambda: drv.find_elements(By.CSS_SELECTOR, ACCEPT) or kernel_state(lab, name), 60, f'a kernel for {name} or the kernel dialog')
    if isinstance(first, list): first[0].click()
    wait_for(lambda: kernel_state(lab, name) == 'idle', 60, f'the kernel of {name} to start')

def run_all(drv, lab, name:str, show:str='', timeout:float=150) -> list:
    "Open notebook `name`, run all cells from the Run menu, wait until the kernel is done; return `cells`; screenshot at the output with `show`."
    base, token, root, tmp = lab
    shot = tmp/f'{Path(name).stem}.png'
    try:
        drv.get(f'{base}/lab/tree/{name}?reset&token={token}')
        wait_for(lambda: len(cells(drv)) > 0, 60, f'{name} to open')
        start_kernel(drv, lab, name)
        click_menu(drv, 'Run', 'Run All Cells')
        # Queued cells show [*]; when none is left and one has a number, the run is over (an error stops it early).
        t0 = time.monotonic()
        res = wait_for(lambda: (cs := cells(drv)) and not any(c['prompt'] == '[*]:' for c in cs)
                       and any(re.fullmatch(r'\[\d+\]:', c['prompt']) for c in cs) and cs, timeout, f'{name} to finish running', every=0.5)
        print(f'{name}: {len(res)} code cells ran in {time.monotonic() - t0:.1f} s')
    finally:  # on failure too, without hiding the failure
        try:
            if show: drv.execute_script(SCROLL_JS, show)
            drv.save_screenshot(str(shot)); print(f'screenshot: {shot}')
            print(f'{name} prompts: {[c["prompt"] for c in cells(drv)]}')
        except Exception as e: print(f'no screenshot of {name}: {e!r}')
    return res

def errors(cs:list) -> list:
    "Tracebacks in the outputs, progress bars that could not draw (no ipywidgets), and cells that did not run."
    tb = [t for c in cs for m, t in c['outputs'] if 'Traceback' in t or 'IProgress not found' in t or m == 'application/vnd.jupyter.error']
    return tb + [f"cell {i} did not run (prompt {c['prompt']})" for i, c in enumerate(cs) if not re.fullmatch(r'\[\d+\]:', c['prompt'])]

def text(cs:list) -> str: return '\n'.join(t for c in cs for _, t in c['outputs'])

def test_raising_notebook_is_reported(lab, browser):
    "The checks see an exception raised in the browser, and the cells it kept from running."
    nb = {'cells': [{'cell_type': 'code', 'execution_count': None, 'id': f'c{i}', 'metadata': {}, 'outputs': [], 'source': s}
                    for i, s in enumerate(["print('before')", '1/0', "print('after')"])],
          'metadata': {'kernelspec': {'display_name': 'python3', 'language': 'python', 'name': 'python3'}}, 'nbformat': 4, 'nbformat_minor': 5}
    (lab[2]/'raises.ipynb').write_text(json.dumps(nb))
    cs = run_all(browser, lab, 'raises.ipynb', timeout=60)
    errs = errors(cs)
    assert 'before' in text(cs) and 'after' not in text(cs)
    assert any('ZeroDivisionError' in e for e in errs) and any('cell 2 did not run' in e for e in errs), errs

def test_index(lab, browser):
    "The home page (README) notebook: a reward per story and the GenRM judge's verdicts in both orders."
    cs = run_all(browser, lab, 'index.ipynb', show='verdict_ab')
    assert not errors(cs), errors(cs)
    assert 'array([' in text(cs) and 'verdict_ab' in text(cs), text(cs)[-2000:]

def test_stage_notebook(lab, browser):
    "A stage notebook with its default parameters: the data stage writes the sample data and shows its summary."
    cs = run_all(browser, lab, '01_data.ipynb', show='test (reference)')
    assert not errors(cs), errors(cs)
    assert 'written to' in text(cs) and 'test (reference)' in text(cs), text(cs)[-2000:]
