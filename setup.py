"""Package build for litbench: every setting lives in settings.ini (nbdev 2 layout)."""
from configparser import ConfigParser
import setuptools, shlex

cfg = ConfigParser(delimiters=['='])
cfg.read('settings.ini', encoding='utf-8')
c = cfg['DEFAULT']

def _reqs(key): return shlex.split(c.get(key, ''))

licenses = {'apache2': 'Apache-2.0'}  # SPDX expression; license classifiers are deprecated in setuptools
statuses = ['1 - Planning', '2 - Pre-Alpha', '3 - Alpha', '4 - Beta', '5 - Production/Stable', '6 - Mature', '7 - Inactive']

setuptools.setup(
    name=c['lib_name'], version=c['version'], description=c['description'],
    long_description=open('README.md', encoding='utf-8').read(), long_description_content_type='text/markdown',
    author=c['author'], author_email=c['author_email'], url=c['git_url'], license=licenses[c['license']],
    classifiers=[f"Development Status :: {statuses[int(c['status'])]}", 'Natural Language :: English',
                 'Programming Language :: Python :: 3'],
    packages=setuptools.find_packages(include=['litbench', 'litbench.*']), include_package_data=True,
    python_requires=f">={c['min_python']}", install_requires=_reqs('requirements'),
    extras_require={k: _reqs(f'{k}_requirements') for k in ('dev', 'lab', 'browser')}, zip_safe=False,
    entry_points={'console_scripts': c.get('console_scripts', '').split(),
                  'nbdev': [f"{c['lib_path']}={c['lib_path']}._modidx:d"]},
    keywords=c['keywords'])
