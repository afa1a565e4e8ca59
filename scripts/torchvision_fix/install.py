"""Install the torchvision CPU fix into a venv, only where `import torchvision` fails with the nms error.

    python scripts/torchvision_fix/install.py [--python /path/to/venv/bin/python] [--uninstall]

Idempotent: run it from the Makefile after every `pip install`. It checks in a fresh interpreter of the
target venv (with any installed fix switched off), then writes two files into that venv's site-packages:
`abstractor_torchvision_cpu_fix.py` (a copy of torchvision_cpu_fix.py) and
`abstractor_torchvision_cpu_fix.pth` (one `import` line that puts a lazy finder on sys.meta_path).
Where torchvision imports cleanly (or is absent) it installs nothing and removes a stale fix.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

NAME = "abstractor_torchvision_cpu_fix"
SOURCE = Path(__file__).with_name("torchvision_cpu_fix.py")
PTH_LINE = f"import {NAME}; {NAME}.install()\n"
# Runs in the target venv with the fix's finder removed, so the check sees torchvision as it really is.
CHECK = (
    "import sys\n"
    "sys.meta_path[:] = [f for f in sys.meta_path if not getattr(f, 'abstractor_torchvision_fix', 0)]\n"
    "import torchvision\n"
)
VERIFY = "import torchvision, torchvision.transforms.v2; print(torchvision.__version__)"
BROKEN_OP_MESSAGE = "operator torchvision::nms does not exist"


def _run(python: str, code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([python, "-c", code], capture_output=True, text=True, check=False)


def site_packages(python: str) -> Path:
    out = _run(python, "import sysconfig; print(sysconfig.get_paths()['purelib'])")
    return Path(out.stdout.strip())


def uninstall(target: Path) -> bool:
    removed = False
    for path in (target / f"{NAME}.pth", target / f"{NAME}.py"):
        if path.exists():
            path.unlink()
            removed = True
    return removed


def install(python: str) -> int:
    target = site_packages(python)
    check = _run(python, CHECK)
    if check.returncode == 0 or "ModuleNotFoundError: No module named 'torchvision'" in check.stderr:
        stale = uninstall(target)
        print(f"torchvision needs no fix in {target}" + (" (removed a stale fix)" if stale else ""))
        return 0
    if BROKEN_OP_MESSAGE not in check.stderr:
        print(f"import torchvision fails with an error this fix does not cover:\n{check.stderr}")
        return 1
    module, pth = target / f"{NAME}.py", target / f"{NAME}.pth"
    wanted = SOURCE.read_text()
    unchanged = (
        module.exists() and module.read_text() == wanted and pth.exists() and pth.read_text() == PTH_LINE
    )
    if not unchanged:
        module.write_text(wanted)
        pth.write_text(PTH_LINE)
    verify = _run(python, VERIFY)
    if verify.returncode != 0:
        print(f"fix installed in {target} but torchvision still fails:\n{verify.stderr}")
        return 1
    state = "already installed" if unchanged else "installed"
    print(f"torchvision CPU fix {state} in {target} (torchvision {verify.stdout.strip()})")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--python", default=sys.executable, help="interpreter of the venv to repair")
    parser.add_argument("--uninstall", action="store_true", help="remove the fix from that venv")
    args = parser.parse_args()
    if args.uninstall:
        removed = uninstall(site_packages(args.python))
        print("removed" if removed else "nothing to remove")
        return 0
    return install(args.python)


if __name__ == "__main__":
    sys.exit(main())
