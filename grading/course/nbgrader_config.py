"""nbgrader configuration of the cluster development course (see clusterlab.grading.nbconfig)."""
from pathlib import Path

from clusterlab.grading.nbconfig import configure

configure(get_config(), Path(__file__).resolve().parent)
