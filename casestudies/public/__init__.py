"""The public case dashboards: a Voila app that serves the case dashboard notebooks and nothing else.

Served by ``clusterlab dashboards`` (see ``clusterlab.casestudies.cli``). The dashboard notebooks stay
with their cases (``casestudies/<case>/dashboard.ipynb``, and ``casestudies/index.ipynb`` for the
landing page); this package holds the code behind them and the server:

* :mod:`.story` assembles a dashboard page from the shared components (``CaseStory``, ``landing``),
  with :mod:`.markup` (HTML pieces), :mod:`.charts` (chart set-up) and :mod:`.deferral` (sections
  built once the page shows them); it is what a dashboard kernel imports;
* :mod:`.dashboards` stages the notebooks and configures the server; :mod:`.server` is the Voila
  app, with its HTTP handlers in :mod:`.handlers` and its kernel message filter in
  :mod:`.kernel_messages`;
* :mod:`.chart_assets` and ``static/`` are the chart script the server sends to the pages;
  :mod:`.environment` is what the server tells its kernels.

Imports nothing here, so that the server and the kernels each load only what they use. Nothing in
this package imports ``clusterlab.grading``.
"""
