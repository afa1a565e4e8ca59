"""`abstractor doctor` warns when other local users can read the data home or the database."""

from __future__ import annotations

from pathlib import Path

from abstractor.cli.doctor import check_permissions
from abstractor.settings import Settings
from storage.db import open_database


def _home_with_database(tmp_path: Path) -> Settings:
    settings = Settings(data_home=tmp_path / "home")
    open_database(settings.resolved_database_url).dispose()
    return settings


def test_a_private_data_home_passes(tmp_path: Path) -> None:
    check = check_permissions(_home_with_database(tmp_path))
    assert check.ok and not check.warning


def test_a_database_readable_by_others_is_named_with_its_mode_and_the_fix(tmp_path: Path) -> None:
    settings = _home_with_database(tmp_path)
    database = (tmp_path / "home" / "abstractor.db").resolve()
    database.chmod(0o644)
    check = check_permissions(settings)
    assert check.ok and check.warning  # works, but warned: doctor's exit status stays 0
    assert f"{database} is mode 0644" in check.detail
    assert check.fix == f"chmod -R go-rwx {database}"


def test_a_data_home_readable_by_others_is_named(tmp_path: Path) -> None:
    settings = _home_with_database(tmp_path)
    home = (tmp_path / "home").resolve()
    home.chmod(0o755)
    check = check_permissions(settings)
    assert check.warning and f"{home} is mode 0755" in check.detail
    assert f"chmod -R go-rwx {home}" in check.fix
