"""Start-up: what ``import newsrecord`` and the command line import, and that the lazy
names behave as eagerly imported ones did. Timing is in benchmarks, never here."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import click
import pytest
from tests.helpers import SEED_TEXT, run_python

import newsrecord
import newsrecord.model
from newsrecord.cli import main
from newsrecord.cli._app import _COMMANDS, _SUMMARIES

_LATER = (
    # cattrs builds records only where the fast path declines (an invalid value, a
    # forced kind) and converts values set by field path.
    "cattrs",
    # OpenSSL's hashes: the export's content hashes, and (through secrets) the names of
    # temporary files.
    "hashlib",
    "newsrecord.checks",
    "newsrecord.diff",
    "newsrecord.export",
    "newsrecord.integrations",
    "newsrecord.merge",
    "newsrecord.query",
    "newsrecord.schema",
    # The writer: a document is written only once it has changes (reading records, or
    # dumps() of a document nobody changed, never needs it).
    "newsrecord._write.fresh",
    "newsrecord._write.render",
    "newsrecord._write.splice",
    "newsrecord._write.style",
    "pyarrow",
    "rich",
)
"""Modules that only some uses need: none of them is imported before it is used.
(``newsrecord.editing`` is not among them: ``Document`` imports it.)"""


def _imported_after(code: str, prefixes: tuple[str, ...]) -> list[str]:
    """The modules starting with one of *prefixes* that running *code* has imported."""
    done = run_python(
        f"{code}\nimport sys, json\n"
        f"print(json.dumps(sorted(m for m in sys.modules if m.startswith({prefixes!r}))))"
    )
    imported: list[str] = json.loads(done.stdout.splitlines()[-1])
    return imported


def test_importing_the_package_imports_none_of_its_modules() -> None:
    imported = _imported_after(
        "import newsrecord", ("newsrecord", "attr", "cattrs", "click", "typing")
    )
    assert imported == ["newsrecord"]


def test_loading_a_record_imports_only_what_loading_needs(tmp_path: Path) -> None:
    record = tmp_path / "a.md"
    record.write_text(SEED_TEXT, encoding="utf-8")
    code = (
        f"import newsrecord\ndoc = newsrecord.load({str(record)!r})\nassert doc.record.title\n"
        "assert doc.dumps() == doc.text and not doc.is_modified()"
    )
    imported = _imported_after(code, _LATER)
    assert imported == []


def test_the_writer_is_imported_when_a_document_is_first_written(tmp_path: Path) -> None:
    record = tmp_path / "a.md"
    record.write_text(SEED_TEXT, encoding="utf-8")
    code = (
        "import sys\nimport newsrecord\n"
        f"doc = newsrecord.load({str(record)!r})\ndoc.record.heat = 40\n"
        "assert doc.is_modified() and 'newsrecord._write.splice' not in sys.modules\n"
        "assert 'heat: 40' in doc.dumps()"
    )
    imported = _imported_after(code, ("newsrecord._write",))
    assert {"newsrecord._write.splice", "newsrecord._write.render"} <= set(imported)


def test_each_public_name_is_the_object_its_module_defines() -> None:
    import importlib

    from newsrecord import _HOMES

    homes = {name: module for module, names in _HOMES.items() for name in names.split()}
    assert sorted(homes) == newsrecord.__all__
    assert sorted(_HOMES["newsrecord.model"].split()) == sorted(newsrecord.model.__all__)
    for name, module in homes.items():
        assert getattr(newsrecord, name) is getattr(importlib.import_module(module), name)
    assert set(newsrecord.__all__) <= set(dir(newsrecord))


def test_star_import_and_from_import_give_every_public_name() -> None:
    code = (
        "import newsrecord\n"
        "names = {}\n"
        "exec('from newsrecord import *', names)\n"
        "from newsrecord import Article, loads, merge_texts\n"
        "assert merge_texts is names['merge_texts'] and Article is names['Article']\n"
        "assert set(newsrecord.__all__) <= set(names)\n"
        "print(loads.__module__)\n"
    )
    assert run_python(code).stdout == "newsrecord.api\n"


def test_submodules_are_attributes_after_importing_the_package() -> None:
    # Code written when ``import newsrecord`` imported most modules reads them this way.
    code = (
        "import newsrecord\n"
        "print(newsrecord.export.cache_path.__module__, newsrecord.model.Article.__name__)\n"
    )
    assert run_python(code).stdout == "newsrecord.export Article\n"


@pytest.mark.parametrize("name", ["no_such_name", "__wrapped__", "lods", "Article.title", ""])
def test_an_unknown_name_is_an_attribute_error(name: str) -> None:
    with pytest.raises(AttributeError, match="has no attribute"):
        getattr(newsrecord, name)
    assert not hasattr(newsrecord, name)


def test_help_lists_every_command_without_importing_one() -> None:
    code = (
        "from newsrecord.cli import main\n"
        "try:\n"
        "    main(['--help'])\n"
        "except SystemExit as exc:\n"
        "    assert exc.code == 0, exc.code\n"
    )
    imported = _imported_after(code, ("newsrecord", "attr", "cattrs", "difflib"))
    assert imported == ["newsrecord", "newsrecord.cli", "newsrecord.cli._app"]


def test_help_lists_what_each_command_says_of_itself() -> None:
    ctx = click.Context(main)
    assert set(_SUMMARIES) == set(_COMMANDS)
    for name, summary in _SUMMARIES.items():
        command = main.get_command(ctx, name)
        assert command is not None
        stand_in = click.Command(name, help=summary)
        for limit in (20, 45, 66, 1000):
            assert stand_in.get_short_help_str(limit) == command.get_short_help_str(limit), name


def test_help_in_a_real_process_lists_every_command() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "newsrecord", "--help"],
        capture_output=True,
        text=True,
        check=True,
    )
    listed = done.stdout.split("Commands:\n")[1].splitlines()
    assert [line.split()[0] for line in listed] == sorted(_COMMANDS)
    assert "  export    Export the records among PATHS into one table file" in done.stdout


def test_the_version_is_the_installed_one_and_costs_no_metadata_lookup() -> None:
    import importlib.metadata

    assert newsrecord.__version__ == importlib.metadata.version("newsrecord")
    code = (
        "from newsrecord.cli import main\n"
        "try:\n"
        "    main(['--version'], prog_name='newsrecord')\n"
        "except SystemExit as exc:\n"
        "    assert exc.code == 0, exc.code\n"
    )
    done = run_python(code)
    assert done.stdout.splitlines()[0] == f"newsrecord, version {newsrecord.__version__}"
    # Looking the version up in the installed metadata cost more than the rest of it.
    assert _imported_after(code, ("importlib.metadata",)) == []


@pytest.mark.parametrize(
    ("command", "needs"),
    [
        (["export", "{site}", "-o", "{out}.jsonl"], ("newsrecord.export", "pyarrow", "hashlib")),
        (["validate", "{site}"], ("newsrecord.checks",)),
        (["show", "{site}/a.md"], ()),
        # Git runs it once a file (twice for each file a diff shows): no merge module.
        # (Its view is the record written fresh, in the house style: the writer.)
        (
            ["diff", "--textconv", "{site}/a.md"],
            (
                *("newsrecord.cli._git", "newsrecord.diff", "cattrs", "hashlib"),
                *("newsrecord._write.fresh", "newsrecord._write.render"),
                *("newsrecord._write.splice", "newsrecord._write.style"),
            ),
        ),
    ],
)
def test_a_command_imports_only_the_modules_it_needs(
    tmp_path: Path, command: list[str], needs: tuple[str, ...]
) -> None:
    pytest.importorskip("pyarrow")
    site = tmp_path / "site"
    site.mkdir()
    (site / "a.md").write_text(SEED_TEXT, encoding="utf-8")
    arguments = [part.format(site=site, out=tmp_path / "out") for part in command]
    code = (
        "from newsrecord.cli import main\n"
        "try:\n"
        f"    main({arguments!r})\n"
        "except SystemExit as exc:\n"
        "    assert exc.code == 0, exc.code\n"
    )
    unneeded = tuple(name for name in (*_LATER, "newsrecord.cli._git") if name not in needs)
    assert _imported_after(code, unneeded) == []


@pytest.mark.parametrize(
    "module", sorted({f"newsrecord.cli.{name}" for name in _COMMANDS.values()})
)
def test_no_command_module_imports_the_yaml_parser(module: str) -> None:
    # ruamel.yaml reads only what the fast scanner declines: git's diff driver, run once
    # per file, and every other command start without it.
    assert _imported_after(f"import {module}", ("ruamel",)) == []


@pytest.mark.parametrize("kind", [newsrecord.Video, newsrecord.Course, newsrecord.Book])
def test_a_kind_that_declares_no_field_behaves_as_its_own_attrs_class(
    kind: type[newsrecord.LearningResource],
) -> None:
    # Such kinds share their base's generated methods (creating them is start-up time).
    import pickle

    import attrs

    record = kind(title="A talk", heat=3)
    assert repr(record) == f"{kind.__name__}(title='A talk', heat=3)"
    assert record == kind(title="A talk", heat=3)
    assert record != kind(title="A talk", heat=4)
    assert record != newsrecord.LearningResource(title="A talk", heat=3)
    assert pickle.loads(pickle.dumps(record)) == record  # noqa: S301  # our own bytes
    assert [a.name for a in attrs.fields(kind)] == [
        a.name for a in attrs.fields(newsrecord.LearningResource)
    ]
    with pytest.raises(TypeError, match="unhashable"):
        hash(record)
    with pytest.raises(AttributeError):
        record.titel = "typo"  # type: ignore[attr-defined]
    with pytest.raises(newsrecord.FieldTypeError, match="heat must be an integer"):
        record.heat = "hot"  # type: ignore[assignment]
    with pytest.raises(TypeError, match=rf"^{kind.__name__}\.__init__\(\) got an unexpected"):
        kind(titel="typo")  # type: ignore[call-arg]
    with pytest.raises(newsrecord.ValidationError, match="cannot be deleted"):
        del record.title


def test_the_characters_a_stream_may_not_hold_are_the_complement_of_yaml_s() -> None:
    # Spelled as the ranges YAML leaves out, which compiles ten times faster than the
    # negated class of what it allows (YAML 1.2, 5.1); the two must match alike.
    from newsrecord._read.yaml_core import NOT_PRINTABLE

    def allowed(code: int) -> bool:
        return (
            code in (0x09, 0x0A, 0x0D, 0x85)
            or 0x20 <= code <= 0x7E
            or 0xA0 <= code <= 0xD7FF
            or 0xE000 <= code <= 0xFFFD
            or code >= 0x10000
        )

    refused = [code for code in range(0x110000) if NOT_PRINTABLE.match(chr(code))]
    assert refused == [code for code in range(0x110000) if not allowed(code)]
