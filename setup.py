"""Build configuration beyond pyproject.toml: the optional C accelerator of the MRZ reader.

``portcullis.documents._mrzfast`` is optional (``optional=True``): when it cannot be compiled the
install still succeeds and ``portcullis.documents`` uses its pure-Python path, which gives the same
results (tests/documents/test_accelerator.py).
"""

from setuptools import Extension, setup

setup(
    ext_modules=[
        Extension(
            "portcullis.documents._mrzfast",
            ["src/portcullis/documents/_mrzfast.c"],
            optional=True,
        )
    ]
)
