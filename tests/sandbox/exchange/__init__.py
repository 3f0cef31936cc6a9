"""The Exchange Online organisation engine of the sandbox: typed recipients and configuration,
value formats rendered on output, OPATH filters and cmdlets. No HTTP here (see services/exchange.py)."""
