"""Benchmarks of csp.exchange against the critical path of round trips, Ansible's overhead and a uri loop."""
