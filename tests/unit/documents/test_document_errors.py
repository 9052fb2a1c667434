"""Every refusal is one sentence that names the file and says what to do."""

import pytest

from kimi_desktop.documents import (
    MAX_LOCAL_BYTES,
    MAX_UPLOAD_BYTES,
    DocumentError,
    DocumentProblem,
    check_size,
    errors,
)
from kimi_desktop.documents.limits import format_size

BUILDERS = {
    DocumentProblem.UNSUPPORTED: lambda: errors.unsupported("f.bin"),
    DocumentProblem.NEEDS_FILES_API: lambda: errors.needs_files_api("f.bin"),
    DocumentProblem.TOO_LARGE: lambda: errors.too_large("f.bin", 30 << 20, 20 << 20),
    DocumentProblem.EMPTY: lambda: errors.empty("f.bin"),
    DocumentProblem.BINARY: lambda: errors.binary("f.bin"),
    DocumentProblem.UNDECODABLE: lambda: errors.undecodable("f.bin"),
    DocumentProblem.ENCRYPTED: lambda: errors.encrypted("f.bin"),
    DocumentProblem.NO_TEXT_LAYER: lambda: errors.no_text_layer("f.bin"),
    DocumentProblem.DAMAGED: lambda: errors.damaged("f.bin"),
    DocumentProblem.TOO_MANY_PAGES: lambda: errors.too_many_pages("f.bin", 1500, 1000),
    DocumentProblem.TOO_LONG: lambda: errors.too_long("f.bin", 2_000_000),
}


def test_every_problem_has_its_sentence() -> None:
    assert set(BUILDERS) == set(DocumentProblem)


@pytest.mark.parametrize("problem", list(DocumentProblem))
def test_each_sentence_names_the_file_and_ends_as_a_sentence(problem: DocumentProblem) -> None:
    error = BUILDERS[problem]()

    assert error.problem is problem
    assert error.name == "f.bin"
    assert str(error).startswith("“f.bin”")
    assert str(error).endswith(".")
    assert "{" not in str(error)
    assert problem.name in repr(error)


def test_sizes_and_counts_are_spelled_out() -> None:
    assert str(errors.too_large("f.bin", 30 << 20, 20 << 20)) == (
        "“f.bin” is too large (30 MB); documents up to 20 MB can be attached."
    )
    assert "1,500 pages" in str(errors.too_many_pages("f.bin", 1500, 1000))
    assert "2,000,000 characters" in str(errors.too_long("f.bin", 2_000_000))


def test_the_size_check_allows_the_limit_and_refuses_a_byte_more() -> None:
    check_size("ok.pdf", MAX_LOCAL_BYTES, MAX_LOCAL_BYTES)
    with pytest.raises(DocumentError) as caught:
        check_size("big.pdf", MAX_UPLOAD_BYTES + 1, MAX_UPLOAD_BYTES)

    assert caught.value.problem is DocumentProblem.TOO_LARGE
    assert "100 MB" in str(caught.value)


@pytest.mark.parametrize(
    ("n_bytes", "text"),
    [(0, "0 bytes"), (1, "1 byte"), (1023, "1023 bytes"), (1536, "1.5 KB"), (20 << 20, "20 MB")],
)
def test_sizes_read_as_round_numbers(n_bytes: int, text: str) -> None:
    assert format_size(n_bytes) == text
