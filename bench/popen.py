#!/usr/bin/env python3
"""The classic spawn-all ping sweep, as a baseline for bench-exec.sh.

Starts `ping -c 3 -n HOST` for every host in the file at once with
subprocess.Popen, then waits for each; exit status 0 means reachable, and
those hosts are printed.  Every child holds two pipes until it is waited
for, so with the usual limit of 1024 open files this dies with "Too many
open files" at about 500 hosts.
"""
import subprocess
import sys


def main():
    with open(sys.argv[1]) as f:
        hosts = [line.strip() for line in f if line.strip()]
    procs = []
    for host in hosts:
        procs.append((host, subprocess.Popen(
            ["ping", "-c", "3", "-n", host],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE)))
    for host, proc in procs:
        proc.communicate()
        if proc.returncode == 0:
            print(host)


if __name__ == "__main__":
    main()
