"""The benchmark harness (`make bench`, `make bench-quick`): the app in its production shape
against its peers, on this machine, with the figures written to BENCHMARKS.md.

bench.run is the entry point; bench.servers starts what is measured, bench.load is the
reader crowd (its own processes), bench.publishing is the journalist, bench.scenarios the
five scenarios of issue 5, bench.peers the systems we compare with, bench.report the page.
"""
