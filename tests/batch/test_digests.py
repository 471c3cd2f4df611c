from report_utils.batch import digests
from report_utils.paths import DATA_DIR


def test_file_hashes_cover_every_input_and_no_docs():
    """Tables, the spec and its sentences, the source texts quotes are checked against; not the
    documentation."""
    hashes = digests.file_hashes(DATA_DIR)
    assert "figures/guizhou-industry-2021.csv" in hashes
    assert "meta/indicators.csv" in hashes
    assert {"briefing.yml", "messages/zh.yml", "messages/en.yml"} <= set(hashes)
    assert "sources/guizhou-industry-2021.txt" in hashes
    assert not any(name.endswith(".md") for name in hashes)
    assert all(len(sha) == 64 for sha in hashes.values())


def test_digest_is_order_independent():
    assert digests.digest_of({"a": 1, "b": [1, 2]}) == digests.digest_of({"b": [1, 2], "a": 1})
    assert digests.digest_of({"a": 1}) != digests.digest_of({"a": 2})


def test_library_versions_match_importlib():
    import importlib.metadata as md

    versions = digests.library_versions()
    for name in ("pandas", "papermill", "nbconvert", "typst", "seaborn"):
        assert versions[name] == md.version(name)


def test_code_digest_follows_code_catalogues_and_templates(tmp_path, monkeypatch):
    """The digest changes with any module, catalogue or template of the package, and not with
    bytecode or documentation (computed afresh on a copy: ``code_digest`` is cached)."""
    import shutil

    package = tmp_path / "report_utils"
    shutil.copytree(digests.PACKAGE_DIR, package)
    monkeypatch.setattr(digests, "PACKAGE_DIR", package)
    compute = digests.code_digest.__wrapped__
    original = compute()
    assert len(original) == 64
    (package / "notes.md").write_text("documentation\n")
    (package / "__pycache__").mkdir(exist_ok=True)
    (package / "__pycache__" / "x.cpython-311.pyc").write_bytes(b"bytecode")
    assert compute() == original
    for name in ("briefing/messages/zh.yaml", "export/templates/nbconvert/briefing/briefing.css"):
        path = package / name
        saved = path.read_bytes()
        path.write_bytes(saved + b"\n")
        assert compute() != original, name
        path.write_bytes(saved)
    (package / "batch" / "new_module.py").write_text("")
    assert compute() != original
