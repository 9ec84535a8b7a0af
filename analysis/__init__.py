"""US-China Truce Monitor: shared analysis code behind the report notebooks.

Modules are small and single-purpose; see README.md "How it fits together".
Importing the package is cheap on purpose: heavy libraries (pandas, altair,
papermill, nbconvert) are imported only by the modules that need them.
"""

__version__ = "0.1.0"
