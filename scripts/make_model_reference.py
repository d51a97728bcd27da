#!/usr/bin/env python3
"""Runs the numpy snippet of docs/model-format.md, as written there, and saves its output as test/reference/model_numpy.json.

The test test/model/model-file.test.ts loads that file, so the documented way for numpy users to write a model
is proven to produce a file spotify-mlp accepts. Run it from anywhere: python3 scripts/make_model_reference.py
"""
import os
import re
import shutil
import tempfile

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..')
DOC = os.path.join(ROOT, 'docs', 'model-format.md')
OUT = os.path.join(ROOT, 'test', 'reference', 'model_numpy.json')


def first_python_block(markdown):
    # The writer is the first ```python block under "## From numpy"; the reader snippet follows it.
    section = markdown.split('## From numpy', 1)[1]
    match = re.search(r'```python\n(.*?)```', section, re.S)
    if match is None:
        raise SystemExit('docs/model-format.md has no python block under "## From numpy"')
    return match.group(1)


def main():
    with open(DOC, encoding='utf-8') as f:
        snippet = first_python_block(f.read())
    here = os.getcwd()
    work = tempfile.mkdtemp()
    try:
        os.chdir(work)  # the snippet writes model.json into the current folder
        exec(compile(snippet, DOC, 'exec'), {'__name__': '__snippet__'})
        shutil.copyfile(os.path.join(work, 'model.json'), OUT)
    finally:
        os.chdir(here)
        shutil.rmtree(work)
    print(f'wrote {os.path.relpath(OUT, ROOT)}')


if __name__ == '__main__':
    main()
