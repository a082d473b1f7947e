"""archiver's version, in a module of its own: modules import it from here, never from the package
root, so that imports within archiver run one way (see tests/test_imports.py)."""
__version__ = "0.1.0"
